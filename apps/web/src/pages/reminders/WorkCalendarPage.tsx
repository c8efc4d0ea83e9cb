// The 提醒 › 工作日曆 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function WorkCalendarPage() {
  return <PageHeader title="工作日曆" />;
}
