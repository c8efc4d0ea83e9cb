// The patient page's LINE line: the LINE accounts bound to the patient and, for a family member
// the HIS added after binding, the LINE accounts that proved the same phone, with 「連結」.
import { LinkOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Space, Typography } from 'antd';
import { api, errorMessage } from '../api.ts';

export function PatientLineLinks({ patientId, canWrite }: { patientId: string; canWrite: boolean }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const path = { id: patientId };
  const q = useQuery({
    queryKey: ['patient', patientId, 'line'],
    queryFn: () => api.get('/api/patients/{id}/line', { params: { path } }),
  });
  const link = useMutation({
    mutationFn: (lineUserId: string) =>
      api.post('/api/patients/{id}/line/link', { params: { path }, body: { lineUserId } }),
    onSuccess: (data) => {
      qc.setQueryData(['patient', patientId, 'line'], data);
      void qc.invalidateQueries({ queryKey: ['patient', patientId] });
      message.success('已連結 LINE 帳號');
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  if (!q.data) return <Typography.Text type="secondary">{q.isError ? errorMessage(q.error) : '…'}</Typography.Text>;
  const { bound, candidates } = q.data;
  return (
    <Space orientation="vertical" size={4}>
      <span>{bound.length ? bound.map((u) => u.displayName || 'LINE 使用者').join('、') : '未綁定'}</span>
      {candidates.map((u) => (
        <Space key={u.lineUserId} size={6} wrap>
          <Typography.Text type="secondary">
            同手機的 LINE 帳號：{u.displayName || 'LINE 使用者'}（已綁定 {u.family.join('、')}）
          </Typography.Text>
          {canWrite ? (
            <Button
              size="small"
              icon={<LinkOutlined />}
              loading={link.isPending && link.variables === u.lineUserId}
              onClick={() => link.mutate(u.lineUserId)}
            >
              連結
            </Button>
          ) : null}
        </Space>
      ))}
    </Space>
  );
}
