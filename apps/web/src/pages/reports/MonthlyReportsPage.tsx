// The 報表 › 月報 page: this month so far and the twelve months before it, each downloadable as a
// PDF (A4, printable) or an Excel workbook; what a report holds is described beside the list.
// Downloads go through fetch so a refusal (e.g. no PDF renderer on the server) shows the server's
// zh-TW message instead of saving an error as a file.
import { FileExcelOutlined, FilePdfOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Flex, Row, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, errorMessage, type ApiResponse } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { downloadFile } from '../../download.ts';
import { ul } from '../../help/parts.tsx';

const { Text } = Typography;
type Month = ApiResponse<'/api/reports/monthly'>['items'][number];
type Format = 'pdf' | 'xlsx';

const download = (month: string, format: Format) =>
  downloadFile(`/api/reports/monthly/${month}?format=${format}`, `careline-report-${month}.${format}`);

export function MonthlyReportsPage() {
  const { message } = App.useApp();
  const months = useQuery({ queryKey: ['reports', 'monthly'], queryFn: () => api.get('/api/reports/monthly') });
  const [busy, setBusy] = useState<string | null>(null);

  const get = async (m: Month, format: Format) => {
    setBusy(`${m.month}:${format}`);
    try {
      await download(m.month, format);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  const columns = [
    {
      title: '月份',
      dataIndex: 'label',
      render: (label: string, m: Month) => (
        <Flex gap={8} align="center">
          <Text strong>{label}</Text>
          {m.partial ? <Tag color="processing">本月至今</Tag> : null}
        </Flex>
      ),
    },
    {
      title: '期間',
      render: (_: unknown, m: Month) => (
        <Text type="secondary">
          {m.from.replaceAll('-', '/')} ～ {m.to.replaceAll('-', '/')}
        </Text>
      ),
    },
    {
      title: '下載',
      align: 'right' as const,
      width: 260,
      render: (_: unknown, m: Month) => (
        <Flex gap={8} justify="flex-end">
          <Button
            icon={<FilePdfOutlined style={{ color: '#cf1322' }} />}
            loading={busy === `${m.month}:pdf`}
            disabled={busy !== null && busy !== `${m.month}:pdf`}
            onClick={() => void get(m, 'pdf')}
            aria-label={`下載 ${m.label} PDF`}
          >
            PDF
          </Button>
          <Button
            icon={<FileExcelOutlined style={{ color: '#237804' }} />}
            loading={busy === `${m.month}:xlsx`}
            disabled={busy !== null && busy !== `${m.month}:xlsx`}
            onClick={() => void get(m, 'xlsx')}
            aria-label={`下載 ${m.label} Excel`}
          >
            Excel
          </Button>
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="月報"
        subtitle="每個月的 KPI、趨勢、Careline 效益與導入前後比較，整理成可以列印、寄給合夥人或存檔的報告。"
        help={<HelpDrawer topic="monthlyReports" />}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Card size="small" title="本月與最近 12 個月" aria-label="月報列表">
            {months.isError ? <Alert type="error" showIcon title={errorMessage(months.error)} /> : null}
            <Table<Month>
              rowKey="month"
              size="middle"
              loading={months.isLoading}
              columns={columns}
              dataSource={months.data?.items ?? []}
              pagination={false}
            />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card size="small" title="月報的內容">
            {ul([
              <>
                <Text strong>本月重點</Text>：淨效益、未到診率、確認率與 LINE 綁定率。
              </>,
              <>
                <Text strong>關鍵指標</Text>：每一項 KPI 的本月、上月、變化、目標與是否達標，並附計算方式。
              </>,
              <>
                <Text strong>每日趨勢</Text>：每項指標一張圖，目標以虛線標示。
              </>,
              <>
                <Text strong>Careline 效益</Text>：以新台幣計算，每個數字都附上公式與代入的數字。
              </>,
              <>
                <Text strong>導入前後比較</Text>：未到診率、取消率與基準期的比較。
              </>,
            ])}
            <Text type="secondary" style={{ fontSize: 12 }}>
              PDF 為 A4 直式，黑白列印也清楚易讀；Excel 的數字可以直接加總或製圖。每次下載都記錄在稽核紀錄。
            </Text>
          </Card>
        </Col>
      </Row>
    </>
  );
}
