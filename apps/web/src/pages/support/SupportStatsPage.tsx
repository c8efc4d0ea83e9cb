// The 客服 › 客服成效 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function SupportStatsPage() {
  return <PageHeader title="客服成效" />;
}
