// The 線上預約 › 看診進度 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function QueuePage() {
  return <PageHeader title="看診進度" />;
}
