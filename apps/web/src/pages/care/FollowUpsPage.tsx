// The 衛教追蹤 › 待追蹤 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function FollowUpsPage() {
  return <PageHeader title="待追蹤" />;
}
