/** @jsxImportSource preact */
import { useEffect, useState } from 'preact/hooks';
import {
  dayOf,
  timeOf,
  zonedIso,
  zonedNow,
  type Api,
  type Appt,
  type LiffConfig,
  type Me,
  type Member,
} from './api.ts';
import type { Page, Toast } from './shell.ts';
import { BookingRequests } from './Book.tsx';

type Props = {
  api: Api;
  me: Me;
  config: LiffConfig;
  family: boolean;
  go: (p: Page) => void;
  toast: Toast;
  prefetched?: () => Promise<{ members: Member[] }> | null;
};
type Row = { appt: Appt; who: string };
type Action = 'confirm' | 'cancel' | 'reschedule' | 'withdraw';

const REPLY_CLASS: Record<string, string> = {
  confirmed: 'green',
  awaiting_reply: 'amber',
  cancel_requested: 'grey',
  reschedule_requested: 'blue',
  not_sent: 'plain',
};
const REPLY_TEXT: Record<string, string> = { cancel_requested: '已申請取消', reschedule_requested: '已申請改期' };
const REASONS = ['時間無法配合', '身體不適', '其他'];

function byTime(a: Row, b: Row) {
  return a.appt.startsAt.localeCompare(b.appt.startsAt);
}

function Card({ row, showWho, onAct }: { row: Row; showWho: boolean; onAct: (kind: Action, r: Row) => void }) {
  const a = row.appt;
  const cancelled = a.status === 'cancelled';
  const replyCls = a.reply ? (REPLY_CLASS[a.reply] ?? 'plain') : null;
  // A pending request shows as 「取消申請處理中」 instead of the reply light.
  const showReply = a.reply && a.reply !== 'not_sent' && !cancelled && !a.pendingLabel;
  const any = a.canConfirm || a.canCancel || a.canReschedule || a.canWithdraw;
  return (
    <article
      class={`card${cancelled ? ' cancelled' : ''}`}
      aria-label={`${a.dateLabel} ${timeOf(a.startsAt)} ${a.doctorName}`}
    >
      <div class="card-top">
        <div>
          <div class="date">{dayOf(a.dateLabel)}</div>
          <div class="time">{timeOf(a.startsAt)}</div>
        </div>
        <div class="chips">
          <span class={`chip ${cancelled ? 'struck' : a.status === 'booked' ? 'plain' : 'grey'}`}>{a.statusLabel}</span>
          {showReply ? <span class={`chip ${replyCls}`}>{REPLY_TEXT[a.reply!] ?? a.replyLabel}</span> : null}
          {a.pendingLabel ? <span class={`chip ${replyCls}`}>{a.pendingLabel}</span> : null}
        </div>
      </div>
      <dl class="meta">
        {showWho ? (
          <>
            <dt>就診人</dt>
            <dd>{row.who}</dd>
          </>
        ) : null}
        <dt>醫師</dt>
        <dd>{a.doctorName}</dd>
        {a.visitType ? (
          <>
            <dt>項目</dt>
            <dd>{a.visitType}</dd>
          </>
        ) : null}
      </dl>
      {any ? (
        <div class="actions">
          {a.canConfirm ? (
            <button class="btn sm" type="button" onClick={() => onAct('confirm', row)}>
              確認赴約
            </button>
          ) : null}
          {a.canReschedule ? (
            <button class="btn sm btn-outline" type="button" onClick={() => onAct('reschedule', row)}>
              改期
            </button>
          ) : null}
          {a.canCancel ? (
            <button class="btn sm btn-outline" type="button" onClick={() => onAct('cancel', row)}>
              取消
            </button>
          ) : null}
          {a.canWithdraw ? (
            <button class="btn sm btn-outline" type="button" onClick={() => onAct('withdraw', row)}>
              撤回申請
            </button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

function Sheet({
  row,
  kind,
  onClose,
  onDone,
  api,
}: {
  row: Row;
  kind: 'cancel' | 'reschedule';
  onClose: () => void;
  onDone: (a: Appt, msg: string) => void;
  api: Api;
}) {
  const [reason, setReason] = useState('');
  const [other, setOther] = useState('');
  const [times, setTimes] = useState<string[]>(['']);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    document.body.classList.add('locked');
    return () => {
      removeEventListener('keydown', onKey);
      document.body.classList.remove('locked');
    };
  }, [onClose]);
  const a = row.appt;
  const min = zonedNow();

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    try {
      if (kind === 'cancel') {
        const r = reason === '其他' ? other.trim() || '其他' : reason;
        onDone(await api.cancel(a.id, r || undefined), '已送出取消申請，診所會為您處理');
      } else {
        const iso = times.filter(Boolean).map((t) => zonedIso(t));
        onDone(await api.reschedule(a.id, iso, note.trim() || undefined), '已送出改期申請，櫃台會與您聯絡');
      }
    } catch (ex) {
      setErr((ex as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="scrim" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <form class="sheet" role="dialog" aria-modal="true" aria-labelledby="sheet-h" onSubmit={submit}>
        <h2 class="h1" id="sheet-h">
          {kind === 'cancel' ? '取消預約' : '申請改期'}
        </h2>
        <p class="muted">
          {row.who}・{dayOf(a.dateLabel)} {timeOf(a.startsAt)}・{a.doctorName}
        </p>
        {kind === 'cancel' ? (
          <fieldset class="fs">
            <legend class="field">取消原因（選填）</legend>
            <div class="chip-row">
              {REASONS.map((r) => (
                <label key={r} class={`pick${reason === r ? ' on' : ''}`}>
                  <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} />
                  {r}
                </label>
              ))}
            </div>
            {reason === '其他' ? (
              <>
                <label class="field" for="other">
                  請說明
                </label>
                <input
                  id="other"
                  class="input"
                  maxLength={200}
                  value={other}
                  onInput={(e) => setOther((e.currentTarget as HTMLInputElement).value)}
                />
              </>
            ) : null}
          </fieldset>
        ) : (
          <fieldset class="fs">
            <legend class="field">希望改到的時間（最多 3 個，選填）</legend>
            {times.map((t, i) => (
              <div class="time-row" key={i}>
                <label class="sr" for={`t${i}`}>
                  第 {i + 1} 個希望時間
                </label>
                <input
                  id={`t${i}`}
                  class="input"
                  type="datetime-local"
                  min={min}
                  value={t}
                  onInput={(e) =>
                    setTimes(times.map((x, j) => (j === i ? (e.currentTarget as HTMLInputElement).value : x)))
                  }
                />
                {times.length > 1 ? (
                  <button
                    type="button"
                    class="icon-btn"
                    aria-label={`移除第 ${i + 1} 個時間`}
                    onClick={() => setTimes(times.filter((_, j) => j !== i))}
                  >
                    ✕
                  </button>
                ) : null}
              </div>
            ))}
            {times.length < 3 ? (
              <button type="button" class="btn btn-ghost sm" onClick={() => setTimes([...times, ''])}>
                ＋ 再加一個時間
              </button>
            ) : null}
            <label class="field" for="note">
              備註（選填）
            </label>
            <textarea
              id="note"
              class="input"
              rows={2}
              maxLength={300}
              placeholder="例如：平日晚上較方便"
              value={note}
              onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)}
            />
          </fieldset>
        )}
        {err ? (
          <p class="msg err" role="alert">
            {err}
          </p>
        ) : null}
        <div class="row2">
          <button class="btn btn-ghost" type="button" onClick={onClose}>
            返回
          </button>
          <button class={`btn${kind === 'cancel' ? ' btn-danger' : ''}`} type="submit" disabled={busy}>
            {busy ? '送出中…' : kind === 'cancel' ? '確定取消' : '送出改期申請'}
          </button>
        </div>
      </form>
    </div>
  );
}

function Empty({ title, text, action }: { title: string; text: string; action?: { label: string; on: () => void } }) {
  return (
    <section class="empty">
      <div class="empty-ico" aria-hidden="true">
        <svg viewBox="0 0 48 48" width="48" height="48">
          <rect x="7" y="10" width="34" height="31" rx="5" fill="none" stroke="currentColor" stroke-width="3" />
          <path d="M7 19h34M16 6v8M32 6v8" stroke="currentColor" stroke-width="3" stroke-linecap="round" />
        </svg>
      </div>
      <h2 class="h2">{title}</h2>
      <p class="muted">{text}</p>
      {action ? (
        <button class="btn" type="button" onClick={action.on}>
          {action.label}
        </button>
      ) : null}
    </section>
  );
}

export function AppointmentsPage({ api, me, config, family, go, toast, prefetched }: Props) {
  const [members, setMembers] = useState<Member[] | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [sheet, setSheet] = useState<{ kind: 'cancel' | 'reschedule'; row: Row } | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  const load = (first = false) => {
    setErr(null);
    ((first && prefetched?.()) || api.appointments()).then(
      (r) => setMembers(r.members),
      (e: Error) => setErr(e.message),
    );
  };
  useEffect(() => {
    if (me.bound) load(true);
  }, [me.bound]);

  if (!me.bound) {
    return (
      <Empty
        title="尚未綁定就診資料"
        text={`完成手機號碼驗證後，就能在這裡查詢您${family ? '與家人' : ''}在${config.clinic.name}的預約，並收到看診提醒。`}
        action={{ label: '立即綁定', on: () => go('bind') }}
      />
    );
  }
  if (err) {
    return (
      <section class="panel center" role="alert">
        <h1 class="h1">暫時無法載入預約</h1>
        <p class="muted">{err}</p>
        <button class="btn" type="button" onClick={() => load()}>
          重新整理
        </button>
      </section>
    );
  }
  if (!members) {
    return (
      <div aria-busy="true" aria-label="載入中">
        <div class="sk sk-title" />
        <div class="sk sk-card" />
        <div class="sk sk-card" />
      </div>
    );
  }

  const replace = (a: Appt) =>
    setMembers(
      members.map((m) => ({
        ...m,
        upcoming: m.upcoming.map((x) => (x.id === a.id ? a : x)),
        recent: m.recent.map((x) => (x.id === a.id ? a : x)),
      })),
    );
  const act = async (kind: Action, row: Row) => {
    if (kind === 'cancel' || kind === 'reschedule') return setSheet({ kind, row });
    if (busyId) return;
    const what = row.appt.pendingLabel?.startsWith('改期') ? '改期' : '取消';
    if (kind === 'withdraw' && !confirm(`要撤回${what}申請嗎？預約會維持原本的時間。`)) return;
    setBusyId(row.appt.id);
    try {
      if (kind === 'withdraw') {
        replace(await api.withdraw(row.appt.id));
        toast(`已撤回${what}申請，預約維持不變`);
        return;
      }
      replace(await api.confirm(row.appt.id));
      toast('已確認赴約，謝謝您！');
    } catch (e) {
      toast((e as Error).message, 'err');
    } finally {
      setBusyId(null);
    }
  };
  const multi = members.length > 1;
  const callout = config.clinic.phone ? (
    <p class="foot muted small">
      需要協助？請來電 <a href={`tel:${config.clinic.phone.replace(/[^\d+]/g, '')}`}>{config.clinic.phone}</a>
    </p>
  ) : null;

  const list = (rows: Row[], showWho: boolean) =>
    rows.map((r) => <Card key={r.appt.id} row={r} showWho={showWho} onAct={act} />);
  const sheetEl = sheet ? (
    <Sheet
      api={api}
      row={sheet.row}
      kind={sheet.kind}
      onClose={() => setSheet(null)}
      onDone={(a, msg) => {
        replace(a);
        setSheet(null);
        toast(msg);
      }}
    />
  ) : null;

  if (family) {
    return (
      <>
        <p class="intro muted">
          以手機號碼 {me.phoneMasked ?? ''} 登記的家人共 {members.length} 位
        </p>
        {members.map((m) => {
          const up = m.upcoming.map((appt) => ({ appt, who: m.patient.name }));
          const rec = m.recent.map((appt) => ({ appt, who: m.patient.name }));
          return (
            <section class="member" key={m.patient.id} aria-labelledby={`m-${m.patient.id}`}>
              <h2 class="member-h" id={`m-${m.patient.id}`}>
                <span class="avatar" aria-hidden="true">
                  {m.patient.name.slice(0, 1)}
                </span>
                {m.patient.name}
                <span class="count">{up.length ? `${up.length} 筆預約` : '目前沒有預約'}</span>
              </h2>
              {list(up, false)}
              {rec.length ? (
                <details class="recent">
                  <summary>近期紀錄（{rec.length}）</summary>
                  {list(rec, false)}
                </details>
              ) : null}
            </section>
          );
        })}
        {callout}
        {sheetEl}
      </>
    );
  }

  const upcoming = members.flatMap((m) => m.upcoming.map((appt) => ({ appt, who: m.patient.name }))).sort(byTime);
  const recent = members
    .flatMap((m) => m.recent.map((appt) => ({ appt, who: m.patient.name })))
    .sort((a, b) => byTime(b, a));
  return (
    <>
      <BookingRequests api={api} toast={toast} />
      <h1 class="sec-h">即將到來的預約</h1>
      {upcoming.length ? (
        list(upcoming, multi)
      ) : (
        <Empty
          title="目前沒有預約"
          text={`要預約，請到「線上預約」或來電${config.clinic.name}；新的預約建立後會自動出現在這裡。`}
        />
      )}
      {recent.length ? (
        <>
          <h2 class="sec-h">近期紀錄</h2>
          {list(recent, multi)}
        </>
      ) : null}
      {callout}
      {busyId ? (
        <span class="sr" role="status">
          處理中
        </span>
      ) : null}
      {sheetEl}
    </>
  );
}
