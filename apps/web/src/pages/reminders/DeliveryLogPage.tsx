// The 提醒 › 發送紀錄 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function DeliveryLogPage() {
  return <PageHeader title="發送紀錄" />;
}
