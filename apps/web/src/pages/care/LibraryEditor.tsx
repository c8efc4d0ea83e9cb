// Editing one health-education article: title, category, tags, cover (shrunk in the browser to
// LINE's 1024×1024 when larger), text with its light formatting, an outside link, published or
// not — beside a live preview of the LINE card the patient receives (built by the server, so the
// preview is the message itself).
import { DeleteOutlined, PictureOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Col,
  Drawer,
  Form,
  Input,
  Row,
  Select,
  Space,
  Switch,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { BotFlex, LinePhoneFrame } from '../../components/LinePreview.tsx';
import {
  emptyForm,
  fieldErrors,
  fitWithin,
  MAX_BYTES,
  MAX_SIDE,
  toBody,
  toForm,
  type Article,
  type ArticleBody,
  type ArticleForm,
} from './library-model.ts';

const { Text } = Typography;

type Cover = NonNullable<Article['cover']>;

/** The picked file as JPEG or PNG within LINE's limits: drawn smaller (as JPEG) when a side is over 1024 px. */
async function fitCover(file: File): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  const fit = fitWithin(bitmap.width, bitmap.height);
  if (!fit.scaled && file.size <= MAX_BYTES) return file;
  const canvas = document.createElement('canvas');
  canvas.width = fit.width;
  canvas.height = fit.height;
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, fit.width, fit.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('無法縮小圖片'))), 'image/jpeg', 0.85),
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function LibraryEditor({
  open,
  item,
  categories,
  tags,
  onClose,
  onSave,
}: {
  open: boolean;
  /** The article edited, or null for a new one. */
  item: Article | null;
  categories: string[];
  tags: string[];
  onClose: () => void;
  onSave: (body: ArticleBody) => Promise<unknown>;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ArticleForm>();
  const [saving, setSaving] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [cover, setCover] = useState<Cover | null>(null);
  const values = Form.useWatch([], form) as ArticleForm | undefined;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(item ? toForm(item) : emptyForm());
    setCover(item?.cover ?? null);
  }, [open, item, form]);

  const draft = useDebounced(
    {
      title: values?.title ?? '',
      body: values?.body ?? '',
      linkUrl: values?.linkUrl?.trim() || null,
      coverId: cover?.id ?? null,
    },
    300,
  );
  const preview = useQuery({
    queryKey: ['care-articles', 'preview', draft],
    queryFn: () => api.post('/api/care/articles/preview', { body: draft }),
    enabled: open,
    placeholderData: (prev) => prev,
  });

  async function pickCover(file: File) {
    if (!['image/jpeg', 'image/png'].includes(file.type)) {
      void message.error('封面只能是 JPEG 或 PNG 圖片');
      return false;
    }
    setUploading(true);
    try {
      const blob = await fitCover(file);
      const c = await api.uploadNew('/api/care/articles/covers', blob);
      setCover(c);
      if (blob !== file)
        void message.info(`圖片已縮小為 ${c.width}×${c.height}（LINE 卡片圖片最大 ${MAX_SIDE}×${MAX_SIDE}）`);
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setUploading(false);
    }
    return false;
  }

  async function submit(v: ArticleForm) {
    setSaving(true);
    try {
      await onSave(toBody(v, cover?.id ?? null));
      onClose();
    } catch (err) {
      const fe = fieldErrors(err);
      if (fe.length) form.setFields(fe as Parameters<typeof form.setFields>[0]);
      else void message.error(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Drawer
      title={item ? `編輯：${item.title}` : '新增衛教文章'}
      open={open}
      onClose={onClose}
      size={1040}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={saving} disabled={uploading} onClick={() => form.submit()}>
            儲存
          </Button>
        </Space>
      }
    >
      <Row gutter={24}>
        <Col xs={24} lg={14}>
          <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
            <Form.Item
              label="標題"
              name="title"
              extra="也是病患手機通知上的文字"
              rules={[
                { required: true, whitespace: true, message: '請填寫標題' },
                { max: 60, message: '最多 60 個字' },
              ]}
            >
              <Input placeholder="例如：拔牙後照護" />
            </Form.Item>
            <Row gutter={12}>
              <Col span={10}>
                <Form.Item label="分類" name="category" rules={[{ max: 20, message: '最多 20 個字' }]}>
                  <AutoComplete
                    options={categories.map((value) => ({ value }))}
                    placeholder="例如：術後照護（可留空）"
                  />
                </Form.Item>
              </Col>
              <Col span={14}>
                <Form.Item label="標籤" name="tags" extra="輸入後按 Enter；最多 10 個">
                  <Select
                    mode="tags"
                    aria-label="標籤"
                    tokenSeparators={[',', '，', '、']}
                    options={tags.map((value) => ({ value }))}
                    maxCount={10}
                  />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item
              label="封面圖片"
              extra={`JPEG 或 PNG；超過 ${MAX_SIDE}×${MAX_SIDE} 會自動縮小。建議橫式（20:13，例如 1000×650）。`}
            >
              <Space align="center" wrap>
                {cover ? (
                  <img
                    src={cover.url}
                    alt="封面"
                    style={{ width: 120, height: 78, objectFit: 'cover', borderRadius: 6, border: '1px solid #eee' }}
                  />
                ) : (
                  <div
                    style={{
                      width: 120,
                      height: 78,
                      borderRadius: 6,
                      border: '1px dashed #d9d9d9',
                      display: 'grid',
                      placeItems: 'center',
                      color: '#999',
                      fontSize: 12,
                    }}
                  >
                    沒有封面
                  </div>
                )}
                <Upload accept="image/jpeg,image/png" showUploadList={false} beforeUpload={pickCover}>
                  <Button icon={<PictureOutlined />} loading={uploading}>
                    {cover ? '更換封面' : '上傳封面'}
                  </Button>
                </Upload>
                {cover ? (
                  <Button icon={<DeleteOutlined />} onClick={() => setCover(null)}>
                    移除
                  </Button>
                ) : null}
              </Space>
            </Form.Item>
            <Form.Item
              label="內文"
              name="body"
              extra={
                <>
                  空一行分段。<Text code>## 小標題</Text>　<Text code>- 項目</Text>（或 <Text code>・項目</Text>）　
                  <Text code>1. 步驟</Text>　<Text code>**粗體**</Text>
                </>
              }
              rules={[{ max: 10000, message: '最多 10,000 個字' }]}
            >
              <Input.TextArea rows={14} showCount maxLength={10000} placeholder="沒有內文時，請在下方填寫連結" />
            </Form.Item>
            <Form.Item
              label="延伸閱讀連結"
              name="linkUrl"
              extra="例如衛福部國民健康署的衛教頁面；沒有內文時，「閱讀全文」直接開啟這個連結。"
              rules={[
                { max: 1000, message: '最多 1,000 個字' },
                { pattern: /^(https?:\/\/\S+)?$/i, message: '連結需以 https:// 或 http:// 開頭' },
              ]}
            >
              <Input placeholder="https://" inputMode="url" />
            </Form.Item>
            <Form.Item
              label="發布"
              name="published"
              valuePropName="checked"
              extra="發布後才能在收件匣與照護計畫中傳給病患；公開頁面也才看得到。"
            >
              <Switch checkedChildren="已發布" unCheckedChildren="草稿" />
            </Form.Item>
          </Form>
        </Col>
        <Col xs={24} lg={10}>
          <div style={{ position: 'sticky', top: 0 }}>
            <LinePhoneFrame title="病患手機預覽" minHeight={360}>
              {preview.data ? <BotFlex contents={preview.data.message.contents} /> : null}
            </LinePhoneFrame>
            <Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>
              手機通知顯示：{preview.data?.message.altText ?? '…'}
            </Text>
            {preview.data?.problems.length ? (
              <Alert
                type="warning"
                showIcon
                style={{ marginTop: 8 }}
                title="LINE 會拒收這張卡片"
                description={preview.data.problems.map((p) => p.message).join('；')}
              />
            ) : null}
            {item && item.status === 'published' ? (
              <div style={{ marginTop: 8 }}>
                <a href={item.publicUrl} target="_blank" rel="noreferrer">
                  開啟公開文章頁（已儲存的版本）
                </a>
              </div>
            ) : null}
          </div>
        </Col>
      </Row>
    </Drawer>
  );
}
