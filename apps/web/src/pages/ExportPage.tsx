// The 設定 › 資料匯出 page (being built).
import { PageHeader } from '../components/PageHeader.tsx';

export function ExportPage() {
  return <PageHeader title="資料匯出" />;
}
