// The 訊息 › 收件匣 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function InboxPage() {
  return <PageHeader title="收件匣" />;
}
