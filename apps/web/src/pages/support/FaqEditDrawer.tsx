// Editing one FAQ: title, category, the ways patients ask it, the answer (text, optional buttons)
// and a phone preview of what the patient sees. Also used by the trainer to make a new FAQ.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, AutoComplete, Button, Col, Drawer, Form, Input, Row, Select, Space, Switch, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { BotFlex, BotText, LinePhoneFrame, UserBubble } from '../../components/LinePreview.tsx';
import {
  ACTION_LABELS,
  answerBubble,
  errorText,
  fieldErrors,
  toFaqBody,
  toFormValues,
  type Faq,
  type FaqBody,
  type FaqFormValues,
} from './faq-model.ts';

const { Text } = Typography;

export function QuickReplyChips({ labels }: { labels: string[] }) {
  return (
    <div style={{ display: 'flex', gap: 6, justifyContent: 'flex-end', flexWrap: 'wrap', marginTop: 4 }}>
      {labels.map((l) => (
        <span
          key={l}
          style={{
            background: '#fff',
            border: '1px solid #06c755',
            color: '#06c755',
            borderRadius: 16,
            padding: '2px 12px',
            fontSize: 13,
          }}
        >
          {l}
        </span>
      ))}
    </div>
  );
}

/** What the patient sees: the question, the answer (text or card) and the feedback question. */
export function AnswerPreview({ question, answer }: { question: string; answer: FaqBody['answer'] }) {
  return (
    <LinePhoneFrame
      title="病人手機預覽"
      footer={
        <div style={{ padding: '6px 10px', background: '#f5f5f5' }}>
          <QuickReplyChips labels={['有幫助', '沒幫助']} />
        </div>
      }
    >
      {question && <UserBubble text={question} />}
      {answer.buttons.length ? <BotFlex contents={answerBubble(answer)} /> : <BotText text={answer.text} />}
      <BotText text="這個回答有幫助嗎？" />
    </LinePhoneFrame>
  );
}

export function FaqEditDrawer({
  open,
  item,
  initial,
  faqs,
  title,
  onClose,
  onSave,
}: {
  open: boolean;
  /** The FAQ edited, or null for a new one. */
  item: Faq | null;
  /** Starting values of a new FAQ (the trainer's questions). */
  initial?: Partial<FaqFormValues>;
  faqs: Faq[];
  title?: string;
  onClose: () => void;
  onSave: (body: FaqBody) => Promise<unknown>;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<FaqFormValues>();
  const [saving, setSaving] = useState(false);
  const values = Form.useWatch([], form) as FaqFormValues | undefined;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      item
        ? toFormValues(item)
        : { title: '', category: '', wordings: [''], text: '', buttons: [], enabled: true, ...initial },
    );
  }, [open, item, initial, form]);

  const categories = useMemo(
    () => [...new Set(faqs.map((f) => f.category).filter(Boolean))].map((value) => ({ value })),
    [faqs],
  );
  const otherFaqs = faqs.filter((f) => f.id !== item?.id).map((f) => ({ value: f.id, label: f.title }));
  const body = toFaqBody(values ?? { title: '', category: '', wordings: [], text: '', buttons: [], enabled: true });

  async function submit(v: FaqFormValues) {
    setSaving(true);
    try {
      await onSave(toFaqBody(v));
      onClose();
    } catch (err) {
      const fe = fieldErrors(err);
      if (fe.length) form.setFields(fe as Parameters<typeof form.setFields>[0]);
      else void message.error(errorText(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Drawer
      title={title ?? (item ? `編輯：${item.title}` : '新增常見問題')}
      open={open}
      onClose={onClose}
      size={1000}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()}>
            儲存
          </Button>
        </Space>
      }
    >
      <Row gutter={24}>
        <Col xs={24} lg={14}>
          <Form form={form} layout="vertical" requiredMark="optional" onFinish={(v) => void submit(v)}>
            <Form.Item
              label="問題標題"
              name="title"
              extra="也是一種問法，例如「拔牙後注意事項」"
              rules={[
                { required: true, whitespace: true, message: '請輸入問題標題' },
                { max: 100, message: '最多 100 個字' },
              ]}
            >
              <Input placeholder="例如：拔牙後注意事項" />
            </Form.Item>
            <Form.Item label="分類" name="category" rules={[{ max: 30, message: '最多 30 個字' }]}>
              <AutoComplete options={categories} placeholder="例如：術後照護（可留空）" />
            </Form.Item>
            <Form.Item
              label="問法"
              required
              extra="病人可能怎麼問這個問題；換個說法、口語或錯字都可以加，建議三到五種。"
            >
              <Form.List
                name="wordings"
                rules={[
                  {
                    validator: async (_, v: string[] | undefined) => {
                      if (!v?.some((w) => w?.trim())) throw new Error('至少需要一種問法');
                    },
                  },
                ]}
              >
                {(fields, { add, remove }, { errors }) => (
                  <>
                    {fields.map((f, i) => (
                      <Space key={f.key} align="start" style={{ display: 'flex' }}>
                        <Form.Item
                          name={f.name}
                          style={{ marginBottom: 8, width: 440 }}
                          rules={[
                            { required: true, whitespace: true, message: '請輸入問法，或刪除這一列' },
                            { max: 200, message: '最多 200 個字' },
                          ]}
                        >
                          <Input aria-label={`問法 ${i + 1}`} placeholder="例如：拔完牙能不能喝熱飲" />
                        </Form.Item>
                        <Button
                          icon={<DeleteOutlined />}
                          aria-label={`刪除問法 ${i + 1}`}
                          onClick={() => remove(f.name)}
                        />
                      </Space>
                    ))}
                    <Button icon={<PlusOutlined />} onClick={() => add('')}>
                      新增問法
                    </Button>
                    <Form.ErrorList errors={errors} />
                  </>
                )}
              </Form.List>
            </Form.Item>
            <Form.Item
              label="回答"
              name="text"
              extra={
                <>
                  可用 <Text code>{'{clinic}'}</Text> <Text code>{'{hours}'}</Text> <Text code>{'{phone}'}</Text>{' '}
                  <Text code>{'{address}'}</Text>，送出時換成診所設定中的名稱、門診時間、電話與地址。
                </>
              }
              rules={[
                { required: true, whitespace: true, message: '請輸入回答內容' },
                { max: 2000, message: '最多 2,000 個字' },
              ]}
            >
              <Input.TextArea rows={7} showCount maxLength={2000} />
            </Form.Item>
            <Form.Item label="按鈕（選用，最多 3 個）" extra="有按鈕時以卡片（Flex 訊息）送出。">
              <Form.List name="buttons">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f, i) => {
                      const action = values?.buttons?.[f.name]?.action ?? 'uri';
                      return (
                        <Space key={f.key} align="start" wrap style={{ display: 'flex' }}>
                          <Form.Item
                            name={[f.name, 'label']}
                            style={{ marginBottom: 8, width: 130 }}
                            rules={[
                              { required: true, whitespace: true, message: '按鈕文字' },
                              { max: 20, message: '最多 20 字' },
                            ]}
                          >
                            <Input aria-label={`按鈕 ${i + 1} 文字`} placeholder="按鈕文字" />
                          </Form.Item>
                          <Form.Item name={[f.name, 'action']} style={{ marginBottom: 8, width: 180 }}>
                            <Select
                              aria-label={`按鈕 ${i + 1} 動作`}
                              options={Object.entries(ACTION_LABELS).map(([value, label]) => ({ value, label }))}
                            />
                          </Form.Item>
                          <Form.Item
                            name={[f.name, 'value']}
                            style={{ marginBottom: 8, width: 220 }}
                            rules={[{ required: true, whitespace: true, message: '請填寫' }]}
                          >
                            {action === 'faq' ? (
                              <Select
                                aria-label={`按鈕 ${i + 1} 的常見問題`}
                                options={otherFaqs}
                                showSearch
                                optionFilterProp="label"
                              />
                            ) : (
                              <Input
                                aria-label={`按鈕 ${i + 1} 內容`}
                                placeholder={action === 'uri' ? 'https://… 或 tel:0223456789' : '例如：哪裡可以停車'}
                              />
                            )}
                          </Form.Item>
                          <Button
                            icon={<DeleteOutlined />}
                            aria-label={`刪除按鈕 ${i + 1}`}
                            onClick={() => remove(f.name)}
                          />
                        </Space>
                      );
                    })}
                    {fields.length < 3 && (
                      <Button icon={<PlusOutlined />} onClick={() => add({ label: '', action: 'uri', value: '' })}>
                        新增按鈕
                      </Button>
                    )}
                  </>
                )}
              </Form.List>
            </Form.Item>
            <Form.Item label="啟用" name="enabled" valuePropName="checked">
              <Switch />
            </Form.Item>
          </Form>
        </Col>
        <Col xs={24} lg={10}>
          <AnswerPreview question={body.wordings[0] ?? body.title} answer={body.answer} />
        </Col>
      </Row>
    </Drawer>
  );
}
