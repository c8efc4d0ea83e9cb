// The 線上預約 › 預約申請 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function BookingRequestsPage() {
  return <PageHeader title="預約申請" />;
}
