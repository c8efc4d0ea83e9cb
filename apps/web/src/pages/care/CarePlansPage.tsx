// The 衛教追蹤 › 照護計畫 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function CarePlansPage() {
  return <PageHeader title="照護計畫" />;
}
