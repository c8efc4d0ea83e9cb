// The 衛教追蹤 › 衛教文章 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function LibraryPage() {
  return <PageHeader title="衛教文章" />;
}
