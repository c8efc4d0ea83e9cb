// 客服 › 機器人訓練: the questions the bot could not answer (or answered unhelpfully), grouped by
// similarity; a trainer adds a group as a wording of an FAQ, makes a new FAQ of it, or dismisses it.
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Col,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { api, errorMessage, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime, fromNow } from '../../format.ts';
import { hasRole, useUser } from '../../session.tsx';
import { FaqEditDrawer } from './FaqEditDrawer.tsx';
import { FaqTestConsole } from './FaqTestConsole.tsx';
import type { FaqFormValues } from './faq-model.ts';

type Group = ApiResponse<'/api/faqs/trainer'>['groups'][number];
const { Text } = Typography;
const KEY = ['faqs', 'trainer'];

function AddWordingModal({ group, onClose }: { group: Group | null; onClose: () => void }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ faqId: string; wording: string }>();
  const faqs = useQuery({ queryKey: ['faqs'], queryFn: () => api.get('/api/faqs'), enabled: !!group });
  const add = useMutation({
    mutationFn: (v: { faqId: string; wording: string }) =>
      api.post('/api/faqs/trainer/add-wording', { body: { questionIds: group!.questionIds, ...v } }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['faqs'] });
      void message.success(`已加入問法，處理了 ${r.updated} 則提問`);
      onClose();
    },
    onError: (err) => {
      const d = (err as { details?: { field?: string; message: string }[] }).details ?? [];
      const f = d.find((x) => x.field === 'wording' || x.field === 'faqId');
      if (f) form.setFields([{ name: f.field as 'wording', errors: [f.message] }]);
      else void message.error(errorMessage(err));
    },
  });
  return (
    <Modal
      title="加入為常見問題的問法"
      open={!!group}
      onCancel={onClose}
      okText="加入"
      cancelText="取消"
      confirmLoading={add.isPending}
      onOk={() => form.submit()}
      destroyOnHidden
      afterOpenChange={(o) => {
        if (o && group) form.setFieldsValue({ faqId: group.suggestion?.faqId, wording: group.text });
      }}
    >
      <Form form={form} layout="vertical" onFinish={(v) => add.mutate(v)}>
        <Form.Item
          label="加入哪一則常見問題"
          name="faqId"
          extra={
            group?.suggestion
              ? `系統建議：${group.suggestion.title}（信心 ${Math.round(group.suggestion.confidence * 100)}%）`
              : undefined
          }
          rules={[{ required: true, message: '請選擇常見問題' }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            aria-label="常見問題"
            options={(faqs.data?.items ?? []).map((f) => ({
              value: f.id,
              label: f.category ? `${f.title}（${f.category}）` : f.title,
            }))}
          />
        </Form.Item>
        <Form.Item
          label="問法"
          name="wording"
          extra="通常是病人的原句，可以修改；同組的其他提問也會一起完成。"
          rules={[
            { required: true, whitespace: true, message: '請輸入問法' },
            { max: 200, message: '最多 200 個字' },
          ]}
        >
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function TrainerPage() {
  const user = useUser();
  const canWrite = hasRole(user, ['admin', 'front_desk']);
  const qc = useQueryClient();
  const { message } = App.useApp();
  const queue = useQuery({ queryKey: KEY, queryFn: () => api.get('/api/faqs/trainer') });
  const faqs = useQuery({ queryKey: ['faqs'], queryFn: () => api.get('/api/faqs') });
  const [adding, setAdding] = useState<Group | null>(null);
  const [creating, setCreating] = useState<Group | null>(null);
  const dismiss = useMutation({
    mutationFn: (g: Group) => api.post('/api/faqs/trainer/dismiss', { body: { questionIds: g.questionIds } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: KEY });
      void message.success('已略過');
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const groups = queue.data?.groups ?? [];
  // Memoised: the drawer resets its form whenever its starting values change.
  const initial = useMemo<Partial<FaqFormValues> | undefined>(
    () => (creating ? { title: creating.text.slice(0, 100), wordings: creating.samples } : undefined),
    [creating],
  );

  return (
    <>
      <PageHeader
        title="機器人訓練"
        subtitle="機器人答不出來、信心不足，或病人說「沒幫助」的提問；相似的提問合成一組"
        help={<HelpDrawer topic="faqTrainer" />}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void queue.refetch()}>
            重新整理
          </Button>
        }
      />
      <Row gutter={24}>
        <Col xs={24} xl={16}>
          <Table<Group>
            rowKey={(g) => g.questionIds[0]}
            loading={queue.isLoading}
            dataSource={groups}
            size="middle"
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            locale={{ emptyText: <Empty description="目前沒有待處理的提問，機器人都答得出來" /> }}
            title={() => (
              <Text type="secondary">
                待處理 {queue.data?.total ?? 0} 則提問，共 {groups.length} 組
              </Text>
            )}
            columns={[
              {
                title: '病人的提問',
                render: (_, g) => (
                  <div>
                    <Text strong>{g.text}</Text>
                    {g.samples.length > 1 && (
                      <div>
                        <Text type="secondary" style={{ fontSize: 12 }}>
                          也問過：{g.samples.filter((s) => s !== g.text).join('／')}
                        </Text>
                      </div>
                    )}
                    <Space size={4} style={{ marginTop: 4 }}>
                      {g.unanswered > 0 && <Tag color="orange">未回答 {g.unanswered}</Tag>}
                      {g.notHelpful > 0 && <Tag color="red">沒幫助 {g.notHelpful}</Tag>}
                    </Space>
                  </div>
                ),
              },
              {
                title: '次數',
                dataIndex: 'count',
                width: 70,
                align: 'right',
                render: (n: number) => <Text strong>{n}</Text>,
              },
              {
                title: '最近／第一次',
                width: 130,
                render: (_, g) => (
                  <div style={{ fontSize: 12 }}>
                    <div title={formatDateTime(g.lastAskedAt)}>{fromNow(g.lastAskedAt)}</div>
                    <Text type="secondary">{formatDateTime(g.firstAskedAt)}</Text>
                  </div>
                ),
              },
              {
                title: '最接近的常見問題',
                width: 140,
                render: (_, g) =>
                  g.suggestion ? (
                    <div>
                      <div>{g.suggestion.title}</div>
                      <Text type="secondary" style={{ fontSize: 12 }}>
                        信心 {Math.round(g.suggestion.confidence * 100)}%
                      </Text>
                    </div>
                  ) : (
                    <Text type="secondary">（沒有）</Text>
                  ),
              },
              {
                title: '',
                width: 120,
                render: (_, g) =>
                  canWrite && (
                    <Space direction="vertical" size={4}>
                      <Button size="small" type="primary" onClick={() => setAdding(g)}>
                        加入問法
                      </Button>
                      <Button size="small" icon={<PlusOutlined />} onClick={() => setCreating(g)}>
                        新增問題
                      </Button>
                      <Popconfirm
                        title="略過這組提問？"
                        description="不需要機器人回答的訊息（閒聊、打招呼）"
                        okText="略過"
                        cancelText="取消"
                        onConfirm={() => dismiss.mutate(g)}
                      >
                        <Button size="small" type="text">
                          略過
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
              },
            ]}
          />
        </Col>
        <Col xs={24} xl={8}>
          <FaqTestConsole />
        </Col>
      </Row>
      <AddWordingModal group={adding} onClose={() => setAdding(null)} />
      <FaqEditDrawer
        open={!!creating}
        item={null}
        initial={initial}
        faqs={faqs.data?.items ?? []}
        title="由提問新增常見問題"
        onClose={() => setCreating(null)}
        onSave={async (body) => {
          const r = await api.post('/api/faqs/trainer/create', {
            body: { questionIds: creating!.questionIds, faq: body },
          });
          void qc.invalidateQueries({ queryKey: ['faqs'] });
          void message.success(`已新增常見問題，處理了 ${r.updated} 則提問`);
        }}
      />
    </>
  );
}
