// 「開立案件」 next to a patient's message in the inbox: one click opens a case from that message
// (the same message opens one case however often it is clicked) with the message as its text.
import { FileAddOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Select, Tooltip } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage } from '../../api.ts';
import { CATEGORY_OPTIONS, KIND_OPTIONS, SEVERITY_OPTIONS } from './cases-model.ts';

type Props = {
  lineUserId: string;
  /** The LINE message's id in the message log (one case per message). */
  messageId?: number | null;
  text: string;
  /** The LINE display name, as the case's contact name. */
  displayName?: string;
  size?: 'small' | 'middle';
};

type Values = { kind: 'complaint' | 'suggestion' | 'praise'; category: string; severity: string; text: string };

export function OpenCaseButton({ lineUserId, messageId, text, displayName, size = 'small' }: Props) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<Values>();
  const create = useMutation({
    mutationFn: (v: Values) =>
      api.post('/api/cases', {
        body: {
          kind: v.kind,
          category: v.category as never,
          severity: v.severity as never,
          source: 'line',
          text: v.text,
          contactName: displayName ?? '',
          contactMethod: 'line',
          contactPhone: null,
          contactTime: null,
          patientId: null,
          lineUserId,
          messageId: messageId ?? null,
        },
      }),
    onSuccess: (c) => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['cases'] });
      message.success({
        content: (
          <>
            已開立案件 {c.number}，<Link to={`/support/cases?case=${c.id}`}>前往處理</Link>
          </>
        ),
        duration: 6,
      });
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <>
      <Tooltip title="把這則訊息開立為客訴／意見案件（開始計算處理時限）">
        <Button
          size={size}
          type="text"
          icon={<FileAddOutlined />}
          onClick={() => {
            form.setFieldsValue({ kind: 'complaint', category: 'other', severity: 'normal', text });
            setOpen(true);
          }}
        >
          開立案件
        </Button>
      </Tooltip>
      <Modal
        title="由這則訊息開立案件"
        open={open}
        okText="開立案件"
        cancelText="取消"
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v)} requiredMark={false}>
          <Form.Item name="kind" label="類型">
            <Select options={[...KIND_OPTIONS]} />
          </Form.Item>
          <Form.Item name="category" label="分類">
            <Select options={[...CATEGORY_OPTIONS]} />
          </Form.Item>
          <Form.Item name="severity" label="嚴重度">
            <Select options={[...SEVERITY_OPTIONS]} />
          </Form.Item>
          <Form.Item name="text" label="內容" rules={[{ required: true, whitespace: true, message: '請填寫內容' }]}>
            <Input.TextArea rows={4} maxLength={5000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
