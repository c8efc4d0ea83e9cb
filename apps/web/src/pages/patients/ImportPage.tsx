// 匯入病患: upload CSV/XLSX → preview with per-row errors → import the good rows (progress bar).
import { InboxOutlined } from '@ant-design/icons';
import { App, Alert, Button, Card, Progress, Result, Space, Steps, Table, Tag, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import type { ImportPreview, Transfer } from './api.ts';

const { Text } = Typography;
const FIELD_LABEL: Record<string, string> = {
  name: '姓名',
  phone: '電話',
  birthDate: '生日',
  nationalId: '身分證字號',
  chartNo: '病歷號',
  gender: '性別',
  notes: '備註',
  tags: '標籤',
};
const TEMPLATE =
  '\uFEFF姓名,電話,生日,身分證字號,病歷號,性別,備註,標籤\n王小明,0912-345-678,1980-05-17,A123456789,0012345,男,,慢性病|VIP\n';

function toBase64(buf: ArrayBuffer): string {
  let s = '';
  const bytes = new Uint8Array(buf);
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function ImportPage() {
  const { message } = App.useApp();
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [job, setJob] = useState<Transfer | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!job || job.status === 'done') return;
    const t = setInterval(async () => {
      try {
        setJob(await api.get('/api/patients/transfers/{id}', { params: { path: { id: job.id } } }));
      } catch {
        /* keep polling */
      }
    }, 700);
    return () => clearInterval(t);
  }, [job]);
  const upload = async (file: File) => {
    setBusy(true);
    try {
      const format = file.name.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
      setPreview(
        await api.post('/api/patients/imports', {
          body: { filename: file.name, format, contentBase64: toBase64(await file.arrayBuffer()) },
        }),
      );
      setJob(null);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
    return false;
  };
  const commit = async () => {
    try {
      setJob(await api.post('/api/patients/imports/{id}/commit', { params: { path: { id: preview!.id } } }));
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  const step = job ? 2 : preview ? 1 : 0;
  return (
    <>
      <PageHeader
        title="匯入病患"
        help={<HelpDrawer topic="patientImport" />}
        subtitle="上傳 CSV（UTF-8）或 Excel（XLSX），先預覽逐列檢查結果，再匯入正確的列；有錯的列不會匯入，可修正後再上傳。"
        extra={
          <Button href={`data:text/csv;charset=utf-8,${encodeURIComponent(TEMPLATE)}`} download="病患匯入範本.csv">
            下載範本
          </Button>
        }
      />
      <Card>
        <Steps
          current={step}
          style={{ marginBottom: 24 }}
          items={[{ title: '上傳檔案' }, { title: '預覽與檢查' }, { title: '匯入' }]}
        />
        {step === 0 ? (
          <Upload.Dragger
            accept=".csv,.xlsx"
            showUploadList={false}
            beforeUpload={(f) => {
              void upload(f);
              return false;
            }}
            disabled={busy}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p>點選或拖曳 CSV／XLSX 檔案到這裡</p>
            <Text type="secondary">第一列為標題：姓名、電話、生日、身分證字號、病歷號、性別、備註、標籤</Text>
          </Upload.Dragger>
        ) : null}
        {preview && !job ? (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Alert
              type={preview.failed ? 'warning' : 'success'}
              showIcon
              title={
                `共 ${preview.total.toLocaleString()} 列：${(preview.valid ?? 0).toLocaleString()} 列可匯入，` +
                `${preview.failed.toLocaleString()} 列有錯誤`
              }
              description={
                preview.unknownHeaders?.length ? `未使用的欄位：${preview.unknownHeaders.join('、')}` : undefined
              }
            />
            {preview.errors.length ? (
              <Table
                rowKey={(r) => `${r.row}-${r.field}`}
                size="small"
                dataSource={preview.errors}
                pagination={{ pageSize: 10 }}
                columns={[
                  { title: '列', dataIndex: 'row', width: 70 },
                  { title: '欄位', dataIndex: 'field', width: 120, render: (f: string) => FIELD_LABEL[f] ?? f },
                  { title: '錯誤', dataIndex: 'message' },
                ]}
              />
            ) : null}
            <Table
              rowKey="row"
              size="small"
              pagination={false}
              dataSource={preview.sample ?? []}
              columns={[
                { title: '列', dataIndex: 'row', width: 70 },
                { title: '姓名', dataIndex: 'name' },
                { title: '電話', dataIndex: 'phone' },
                { title: '病歷號', dataIndex: 'chartNo' },
                { title: '生日', dataIndex: 'birthDate' },
                {
                  title: '',
                  dataIndex: 'ok',
                  render: (ok: boolean) => (ok ? <Tag color="green">可匯入</Tag> : <Tag color="red">有錯誤</Tag>),
                },
              ]}
            />
            <Space>
              <Button onClick={() => setPreview(null)}>重新上傳</Button>
              <Button type="primary" disabled={!preview.valid} onClick={() => void commit()}>
                匯入 {(preview.valid ?? 0).toLocaleString()} 列
              </Button>
            </Space>
          </Space>
        ) : null}
        {job ? (
          job.status === 'done' ? (
            <Result
              status="success"
              title={`已匯入 ${job.imported.toLocaleString()} 位病患`}
              subTitle={job.failed ? `${job.failed} 列有錯誤未匯入` : undefined}
              extra={
                <Space>
                  <Link to="/patients/list">回病患名單</Link>
                  <Button
                    onClick={() => {
                      setPreview(null);
                      setJob(null);
                    }}
                  >
                    再匯入一個檔案
                  </Button>
                </Space>
              }
            />
          ) : (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Progress percent={Math.round(job.progress * 100)} status="active" />
              <Text type="secondary">
                匯入中… {job.processed.toLocaleString()} / {job.total.toLocaleString()} 列
              </Text>
            </Space>
          )
        ) : null}
      </Card>
    </>
  );
}
