// The 衛教追蹤 › 未到診關懷 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function NoShowPage() {
  return <PageHeader title="未到診關懷" />;
}
