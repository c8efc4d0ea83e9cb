// The 報表 › KPI 儀表板 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function ReportsDashboardPage() {
  return <PageHeader title="KPI 儀表板" />;
}
