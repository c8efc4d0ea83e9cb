/** @jsxImportSource preact */
// The patient's waitlist page (候補): join for self or a bound family member — doctor (or any),
// a range of dates, a time of day — see the entries and cancel one. When a slot frees up the
// offer comes in the LINE chat (「我要這個時段」), not here.
import { useEffect, useState } from 'preact/hooks';
import { LiffApiError, type Api, type LiffWaitlist } from './api.ts';
import type { Toast } from './shell.ts';

const md = (d: string) => `${Number(d.slice(5, 7))}/${Number(d.slice(8, 10))}`;
const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export function WaitlistPage({ api, toast, bind }: { api: Api; toast: Toast; bind: () => void }) {
  const [data, setData] = useState<LiffWaitlist | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [patientId, setPatientId] = useState('');
  const [doctorId, setDoctorId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [tod, setTod] = useState<LiffWaitlist['timesOfDay'][number]['value']>('any');
  const [err, setErr] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const take = (d: LiffWaitlist) => {
    setData(d);
    setPatientId((p) => p || d.members[0]?.id || '');
    setFrom((f) => f || d.today);
    setTo((t) => t || addDays(d.today, 14));
  };
  useEffect(() => {
    api.waitlist().then(take, (e: Error) => setLoadError(e.message));
  }, [api]);

  async function submit(e: Event) {
    e.preventDefault();
    if (!data) return;
    const problems: Record<string, string> = {};
    if (!patientId) problems.patientId = '請選擇要候補的人';
    if (!from) problems.dateFrom = '請選擇開始日期';
    if (!to) problems.dateTo = '請選擇結束日期';
    else if (from && to < from) problems.dateTo = '結束日期不能早於開始日期';
    setErr(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      take(
        await api.joinWaitlist({
          patientId,
          ...(doctorId ? { doctorId } : {}),
          dateFrom: from,
          dateTo: to,
          timeOfDay: tod,
        }),
      );
      toast('已登記候補，有空檔時會以 LINE 通知您');
    } catch (e2) {
      if (e2 instanceof LiffApiError && Object.keys(e2.fields).length) setErr(e2.fields);
      else toast((e2 as Error).message, 'err');
    } finally {
      setBusy(false);
    }
  }

  async function leave(id: string) {
    setBusy(true);
    try {
      take(await api.leaveWaitlist(id));
      toast('已取消候補');
    } catch (e2) {
      toast((e2 as Error).message, 'err');
    } finally {
      setBusy(false);
    }
  }

  if (loadError)
    return (
      <section class="panel center" role="alert">
        <h1 class="h1">暫時無法載入</h1>
        <p class="muted">{loadError}</p>
      </section>
    );
  if (!data)
    return (
      <div aria-busy="true" aria-label="載入中">
        <div class="sk sk-title" />
        <div class="sk sk-card" />
      </div>
    );
  if (!data.members.length)
    return (
      <section class="panel center">
        <h1 class="h1">請先綁定帳號</h1>
        <p class="muted">綁定後即可為本人或家人登記候補，有空出的時段時會以 LINE 通知您。</p>
        <button class="btn" type="button" onClick={bind}>
          前往綁定
        </button>
      </section>
    );
  const waiting = data.entries.filter((x) => x.status === 'waiting');
  const others = data.entries.filter((x) => x.status !== 'waiting').slice(0, 5);
  return (
    <>
      <form class="panel" onSubmit={submit} aria-labelledby="w-h" noValidate>
        <h1 class="h1" id="w-h">
          登記候補
        </h1>
        <p class="muted small">有人取消或改期時，我們會依登記順序以 LINE 通知您；名額只有一位，先按先得。</p>
        {data.members.length > 1 ? (
          <fieldset class="fs">
            <legend class="field">幫誰候補</legend>
            <div class="chip-row">
              {data.members.map((m) => (
                <label key={m.id} class={`pick${patientId === m.id ? ' on' : ''}`}>
                  <input type="radio" name="patient" checked={patientId === m.id} onChange={() => setPatientId(m.id)} />
                  {m.name}
                </label>
              ))}
            </div>
            <p class={`msg${err.patientId ? ' err' : ''}`}>{err.patientId ?? ''}</p>
          </fieldset>
        ) : (
          <p class="lead">候補人：{data.members[0].name}</p>
        )}
        <label class="field" for="w-doctor">
          醫師
        </label>
        <select
          id="w-doctor"
          class={`input${err.doctorId ? ' bad' : ''}`}
          value={doctorId}
          onChange={(e) => setDoctorId((e.target as HTMLSelectElement).value)}
        >
          <option value="">不限醫師</option>
          {data.doctors.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <p class={`msg${err.doctorId ? ' err' : ''}`}>{err.doctorId ?? ''}</p>
        <div style={{ display: 'flex', gap: 10 }}>
          <div style={{ flex: 1, minWidth: 0 }}>
            <label class="field" for="w-from">
              從
            </label>
            <input
              id="w-from"
              class={`input${err.dateFrom ? ' bad' : ''}`}
              type="date"
              min={data.today}
              max={data.lastDate}
              value={from}
              onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
              aria-invalid={!!err.dateFrom}
            />
          </div>
          <div style={{ flex: 1, minWidth: 0 }}>
            <label class="field" for="w-to">
              到
            </label>
            <input
              id="w-to"
              class={`input${err.dateTo ? ' bad' : ''}`}
              type="date"
              min={from || data.today}
              max={data.lastDate}
              value={to}
              onInput={(e) => setTo((e.target as HTMLInputElement).value)}
              aria-invalid={!!err.dateTo}
            />
          </div>
        </div>
        <p class={`msg${err.dateFrom || err.dateTo ? ' err' : ''}`}>{err.dateFrom ?? err.dateTo ?? ''}</p>
        <fieldset class="fs">
          <legend class="field">時段</legend>
          <div class="chip-row">
            {data.timesOfDay.map((t) => (
              <label key={t.value} class={`pick${tod === t.value ? ' on' : ''}`}>
                <input type="radio" name="tod" checked={tod === t.value} onChange={() => setTod(t.value)} />
                {t.label}
              </label>
            ))}
          </div>
        </fieldset>
        <div class="stack" style={{ marginTop: 18 }}>
          <button class="btn" type="submit" disabled={busy}>
            {busy ? '送出中…' : '登記候補'}
          </button>
        </div>
      </form>
      <h2 class="sec-h">我的候補</h2>
      {waiting.length || others.length ? (
        [...waiting, ...others].map((x) => (
          <div key={x.id} class="card">
            <div class="card-top">
              <div>
                <div class="date">
                  {md(x.dateFrom)}
                  {x.dateTo !== x.dateFrom ? ` – ${md(x.dateTo)}` : ''}
                </div>
                <div class="meta">
                  {x.patientName}・{x.doctorName ?? '不限醫師'}・{x.timeOfDayLabel}
                </div>
              </div>
              <span class="chip">{x.statusLabel}</span>
            </div>
            {x.status === 'waiting' ? (
              <div class="actions">
                <button class="btn btn-outline" type="button" disabled={busy} onClick={() => void leave(x.id)}>
                  取消候補
                </button>
              </div>
            ) : null}
          </div>
        ))
      ) : (
        <p class="muted">目前沒有候補登記。</p>
      )}
    </>
  );
}
