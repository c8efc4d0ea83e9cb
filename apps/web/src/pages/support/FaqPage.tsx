// The 客服 › 常見問題 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function FaqPage() {
  return <PageHeader title="常見問題" />;
}
