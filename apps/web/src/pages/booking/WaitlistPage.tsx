// The 線上預約 › 候補名單 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function WaitlistPage() {
  return <PageHeader title="候補名單" />;
}
