// The 報表 › 月報 page (monthly reports as XLSX and PDF) (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function MonthlyReportsPage() {
  return <PageHeader title="月報" />;
}
