// The 客服 › 客訴與意見 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function CasesPage() {
  return <PageHeader title="客訴與意見" />;
}
