// The 提醒 › 提醒規則 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function RulesPage() {
  return <PageHeader title="提醒規則" />;
}
