// The 提醒 › 額度與費用 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function QuotaPage() {
  return <PageHeader title="額度與費用" />;
}
