// The 滿意度 › 問卷 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function QuestionnairesPage() {
  return <PageHeader title="問卷" />;
}
