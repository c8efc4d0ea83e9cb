// The 客服 › 機器人訓練 page (being built).
import { PageHeader } from '../../components/PageHeader.tsx';

export function TrainerPage() {
  return <PageHeader title="機器人訓練" />;
}
