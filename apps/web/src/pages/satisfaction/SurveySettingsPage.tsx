// The 滿意度 › 調查設定 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function SurveySettingsPage() {
  return <PageHeader title="調查設定" />;
}
