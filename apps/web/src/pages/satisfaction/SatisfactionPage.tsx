// The 滿意度 › 滿意度總覽 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function SatisfactionPage() {
  return <PageHeader title="滿意度總覽" />;
}
