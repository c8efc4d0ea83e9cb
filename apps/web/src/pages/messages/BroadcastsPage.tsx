// The 訊息 › 群發 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function BroadcastsPage() {
  return <PageHeader title="群發" />;
}
