// The patient page's 「未到診」 card: no-shows over the last 12 months, whether this patient's
// online bookings need staff approval under the clinic's rule, and staff's per-patient override.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Card, Select, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api, errorMessage } from '../../api.ts';

const { Text } = Typography;
type Mode = 'rule' | 'exempt' | 'require';

export function NoShowCard({ patientId, canWrite }: { patientId: string; canWrite: boolean }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const path = { patientId };
  const key = ['booking', 'patient-no-shows', patientId];
  const q = useQuery({
    queryKey: key,
    queryFn: () => api.get('/api/booking/patients/{patientId}/no-shows', { params: { path } }),
  });
  const set = useMutation({
    mutationFn: (mode: Mode) =>
      mode === 'rule'
        ? api.delete('/api/booking/patients/{patientId}/no-show-override', { params: { path } })
        : api.put('/api/booking/patients/{patientId}/no-show-override', { params: { path }, body: { mode, note: '' } }),
    onSuccess: (r) => {
      qc.setQueryData(key, r);
      void qc.invalidateQueries({ queryKey: ['booking', 'no-show-overrides'] });
      message.success('已更新這位病患的線上預約設定');
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const d = q.data;
  return (
    <Card title="未到診" style={{ marginBottom: 16 }} loading={q.isLoading}>
      {d ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Text>
              近 12 個月未到診 <Text strong>{d.noShows}</Text> 次
            </Text>
            {d.needsApproval ? <Tag color="volcano">線上預約需核准</Tag> : <Tag color="green">可直接線上預約</Tag>}
          </Space>
          <Text type="secondary" style={{ fontSize: 12 }}>
            {d.policy.enabled ? `診所規則：未到診 ${d.policy.threshold} 次以上需核准` : '診所未啟用未到診規則'}（
            <Link to="/booking/no-show-policy">未到診規則</Link>）
          </Text>
          <Select<Mode>
            aria-label="這位病患的線上預約"
            style={{ width: '100%' }}
            disabled={!canWrite}
            loading={set.isPending}
            value={d.override?.mode ?? 'rule'}
            onChange={(m) => set.mutate(m)}
            options={[
              { value: 'rule', label: '依診所規則' },
              { value: 'exempt', label: '例外：一律不需核准' },
              { value: 'require', label: '例外：一律需核准' },
            ]}
          />
        </Space>
      ) : null}
    </Card>
  );
}
