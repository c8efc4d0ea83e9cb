// 設定 → HIS 串接 → 初次同步: whether the clinic's initial sync has not started, is running (and
// when it ends by itself) or has ended (by whom, when), and the admin's button to end it. While
// it runs, an appointment first received without bookedAt gets no booking-day message.
import { CheckCircleFilled, ClockCircleFilled, FileTextOutlined, HourglassOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Popconfirm, Skeleton, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { api, errorMessage, type ApiResponse } from '../api.ts';
import { formatDateTimeIn } from '../format.ts';
import { useClinic, useStaffList } from '../queries.ts';
import { isAdmin, useUser } from '../session.tsx';

export type InitialSync = ApiResponse<'/api/his/initial-sync'>;

const KEY = ['his', 'initial-sync'] as const;

/** The integration guide's section on bookedAt and the initial sync (heading ids come from the heading text). */
export const GUIDE_BOOKED_AT = `/docs/guide#${encodeURIComponent('初次同步與-bookedat-串接時不打擾病患')}`;

/** The state in words: a short title and one sentence, times in the clinic's time zone. */
export function initialSyncWords(
  s: InitialSync,
  zone: string | undefined,
  nameOf: (email: string) => string = (e) => e,
): { title: string; text: string } {
  const at = (iso: string | null) => formatDateTimeIn(iso, zone);
  if (s.state === 'not_started') {
    return { title: '尚未開始', text: 'HIS 第一次呼叫 API 時開始，持續 24 小時，或直到管理者在此結束。' };
  }
  if (s.state === 'active') {
    return { title: '進行中', text: `自 ${at(s.startedAt)} 起，至 ${at(s.endsAt)} 自動結束。` };
  }
  return {
    title: '已結束',
    text: s.endedBy
      ? `由 ${nameOf(s.endedBy)} 於 ${at(s.endedAt)} 結束。`
      : `於 ${at(s.endedAt)} 自動結束（滿 24 小時）。`,
  };
}

const TONE = {
  not_started: { type: 'info', icon: <HourglassOutlined /> },
  active: { type: 'warning', icon: <ClockCircleFilled /> },
  ended: { type: 'success', icon: <CheckCircleFilled /> },
} as const satisfies Record<InitialSync['state'], { type: string; icon: ReactNode }>;

const INTRO =
  '剛串接時，HIS 會把既有的未來預約一次送進 Careline。這些不是剛掛的號，病患不該突然收到「預約當下」通知' +
  '（簡訊也要費用），所以從 HIS 第一次呼叫 API 起的 24 小時為初次同步。既有預約全部傳完後，請在這裡結束初次同步。';

const END_CONSEQUENCE =
  '結束後，HIS 傳來的每一筆新預約都會發送「預約當下」通知。請先確認既有預約已全部傳完；結束後無法重新開始。';

const CONSEQUENCE: Record<InitialSync['state'], string> = {
  not_started: '初次同步期間第一次收到、且未附 bookedAt 的預約不發送「預約當下」通知；48 小時前與看診當天提醒照常。',
  active: '期間第一次收到、且未附 bookedAt 的預約不發送「預約當下」通知；48 小時前與看診當天提醒照常。',
  ended: '之後 HIS 傳來的新預約都會發送「預約當下」通知；48 小時前與看診當天提醒照常。',
};

/** 「還剩 23 小時 5 分」 until `iso` (at least a minute). */
export function timeLeft(iso: string, now = Date.now()): string {
  const minutes = Math.max(1, Math.ceil((Date.parse(iso) - now) / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `還剩 ${h ? `${h} 小時` : ''}${h && m ? ' ' : ''}${m ? `${m} 分` : ''}`;
}

export function HisInitialSyncSection() {
  const user = useUser();
  const admin = isAdmin(user);
  const qc = useQueryClient();
  const { message } = App.useApp();
  const clinic = useClinic();
  const staff = useStaffList(admin);
  const sync = useQuery({
    queryKey: KEY,
    queryFn: () => api.get('/api/his/initial-sync'),
    // It starts with the HIS's first call and ends by itself: look again now and then.
    refetchInterval: (q) => (q.state.data?.state === 'ended' ? false : 60_000),
  });
  const end = useMutation({
    mutationFn: () => api.post('/api/his/initial-sync/end'),
    onSuccess: (s) => {
      qc.setQueryData(KEY, s);
      void message.success('初次同步已結束，之後的新預約會發送「預約當下」通知');
    },
    onError: (e) => void message.error(errorMessage(e)),
  });

  const s = sync.data;
  const zone = clinic.data?.timeZone;
  const nameOf = (email: string) => staff.data?.find((u) => u.email === email)?.name ?? email;
  const words = s ? initialSyncWords(s, zone, nameOf) : null;

  return (
    <Card title="初次同步" style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">{INTRO}</Typography.Paragraph>
      {sync.isError ? <Alert type="error" showIcon title={errorMessage(sync.error)} /> : null}
      {sync.isLoading ? <Skeleton active title={false} paragraph={{ rows: 2 }} /> : null}
      {s && words ? (
        <Alert
          type={TONE[s.state].type}
          showIcon
          icon={TONE[s.state].icon}
          data-testid="initial-sync-state"
          title={
            <>
              <Typography.Text strong style={{ marginInlineEnd: 8 }}>
                {words.title}
              </Typography.Text>
              {s.state === 'ended' && s.endedBy ? <Tooltip title={s.endedBy}>{words.text}</Tooltip> : words.text}
              {s.state === 'active' && s.endsAt ? (
                <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
                  {timeLeft(s.endsAt)}
                </Typography.Text>
              ) : null}
            </>
          }
          description={CONSEQUENCE[s.state]}
          action={
            s.state === 'active' && admin ? (
              <Popconfirm
                placement="topRight"
                title="結束初次同步？"
                description={<div style={{ maxWidth: 300 }}>{END_CONSEQUENCE}</div>}
                okText="結束初次同步"
                cancelText="取消"
                onConfirm={() => end.mutateAsync()}
              >
                <Button type="primary" loading={end.isPending}>
                  結束初次同步
                </Button>
              </Popconfirm>
            ) : null
          }
        />
      ) : null}
      <Typography.Paragraph type="secondary" style={{ margin: '12px 0 0' }}>
        <FileTextOutlined style={{ marginInlineEnd: 6 }} />
        HIS 能提供預約建立時間時，請在每筆預約附上 <Typography.Text code>bookedAt</Typography.Text>
        {'，就不必依賴初次同步。'}
        <a href={GUIDE_BOOKED_AT} target="_blank" rel="noreferrer" style={{ marginInlineStart: 4 }}>
          串接指南：初次同步與 bookedAt
        </a>
      </Typography.Paragraph>
    </Card>
  );
}
