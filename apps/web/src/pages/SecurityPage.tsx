// The 設定 › 登入安全 page (the clinic's two-factor policy; being built).
import { PageHeader } from '../components/PageHeader.tsx';

export function SecurityPage() {
  return <PageHeader title="登入安全" />;
}
