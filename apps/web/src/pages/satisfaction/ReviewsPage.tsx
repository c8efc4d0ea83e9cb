// The 滿意度 › Google 評論 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function ReviewsPage() {
  return <PageHeader title="Google 評論" />;
}
