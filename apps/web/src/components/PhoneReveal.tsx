// A patient's phone as staff see it: masked (0912-***-678), with 「顯示」 for the front desk
// and admins, which asks the server for the full number (recorded in the audit log) and shows
// it as a tel: link so it can be called with one more click. Doctors and viewers only see the
// masked number (the server refuses them the full one too).
import { EyeOutlined, PhoneOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Space, Typography } from 'antd';
import { api, errorMessage, type ApiResponse } from '../api.ts';
import { useUser } from '../session.tsx';

type Revealed = ApiResponse<'/api/patients/{id}/phone/reveal', 'post'>;

/** Roles the server lets reveal a phone (POST /api/patients/{id}/phone/reveal). */
const REVEAL_ROLES = new Set(['admin', 'front_desk']);

export type PhoneRevealProps = {
  /** The patient's internal id (the `id` of /api/patients, not the HIS's patient id). */
  patientId: string;
  /** The masked number the page already has; null when the patient has no phone. */
  masked: string | null;
  /** A smaller button, for table rows. */
  compact?: boolean;
};

export function PhoneReveal({ patientId, masked, compact }: PhoneRevealProps) {
  const user = useUser();
  const { message } = App.useApp();
  const reveal = useMutation<Revealed>({
    mutationFn: () => api.post('/api/patients/{id}/phone/reveal', { params: { path: { id: patientId } } }),
    onError: (e) => message.error(errorMessage(e)),
  });
  if (!masked) return <>—</>;
  const phone = reveal.data;
  if (phone)
    return (
      // Rows that open something on a click (the appointments list) must not also open it on a call.
      <a href={phone.tel} aria-label={`撥打 ${phone.display}`} onClick={(e) => e.stopPropagation()}>
        <Space size={4}>
          <PhoneOutlined />
          {phone.display}
        </Space>
      </a>
    );
  return (
    <Space size={compact ? 2 : 6}>
      {/* Compact: inside a row's smaller, secondary text, the number and button take its size. */}
      {compact ? <span>{masked}</span> : <Typography.Text>{masked}</Typography.Text>}
      {REVEAL_ROLES.has(user.role) ? (
        <Button
          size="small"
          type={compact ? 'link' : 'default'}
          icon={compact ? undefined : <EyeOutlined />}
          style={compact ? { fontSize: 'inherit', paddingInline: 4, height: 'auto' } : undefined}
          loading={reveal.isPending}
          onClick={(e) => {
            e.stopPropagation();
            reveal.mutate();
          }}
          title="顯示完整電話（會記錄在稽核紀錄）"
        >
          顯示
        </Button>
      ) : null}
    </Space>
  );
}
