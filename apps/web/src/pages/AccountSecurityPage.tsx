// The 帳號安全 page (two-factor login of the signed-in user; being built).
import { PageHeader } from '../components/PageHeader.tsx';

export function AccountSecurityPage() {
  return <PageHeader title="帳號安全" />;
}
