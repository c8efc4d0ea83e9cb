// The 線上預約 › 預約規則 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function BookingRulesPage() {
  return <PageHeader title="預約規則" />;
}
