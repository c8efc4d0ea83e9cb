// The 線上預約 › 未到診規則 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function NoShowPolicyPage() {
  return <PageHeader title="未到診規則" />;
}
