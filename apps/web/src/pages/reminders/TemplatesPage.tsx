// The 提醒 › 訊息範本 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function TemplatesPage() {
  return <PageHeader title="訊息範本" />;
}
