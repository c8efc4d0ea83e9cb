// The 報表 › Careline 效益 page (the value of Careline in NT$) (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function ValuePage() {
  return <PageHeader title="Careline 效益" />;
}
