/** @jsxImportSource preact */
// The patient's online booking page (/book, ?recall=<id> when opened from a recall message): for
// whom (self or a bound family member), doctor (or any), visit type, day and time, then
// 「預約申請中」 until the clinic (or its HIS) confirms. A slot taken meanwhile is said so and
// the times are reloaded; a patient under the clinic's no-show rule reads its message.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { LiffApiError, type Api, type BookingOptions, type BookingRequest, type BookingSlot, type Me } from './api.ts';
import type { Page, Toast } from './shell.ts';

const WEEKDAY = ['日', '一', '二', '三', '四', '五', '六'];
const dayLabel = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}（${WEEKDAY[d.getUTCDay()]}）`;
};

/** The recall the page was opened for (?recall=… in the URL or in LINE's liff.state). */
function recallFromLocation(): string | undefined {
  const direct = new URLSearchParams(location.search).get('recall');
  if (direct) return direct;
  const q = new URLSearchParams(location.search).get('liff.state')?.split('?')[1];
  return (q ? new URLSearchParams(q).get('recall') : null) ?? undefined;
}

type Props = { api: Api; me: Me; toast: Toast; go: (p: Page) => void };

export function BookPage({ api, me, toast, go }: Props) {
  const recallId = useMemo(recallFromLocation, []);
  const submissionId = useMemo(
    () =>
      'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`,
    [],
  );
  const [opts, setOpts] = useState<BookingOptions | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [patientId, setPatientId] = useState<string | null>(null);
  const [doctorId, setDoctorId] = useState<string>('');
  const [visitType, setVisitType] = useState<string>('');
  const [date, setDate] = useState<string | null>(null);
  const [slot, setSlot] = useState<BookingSlot | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<BookingRequest | null>(null);
  const [err, setErr] = useState<string | null>(null);

  useEffect(() => {
    if (!me.bound) return;
    api.bookingOptions().then(
      (o) => {
        setOpts(o);
        if (o.patients.length === 1) setPatientId(o.patients[0].id);
        if (o.days.length) setDate(o.days[0].date);
      },
      (e: Error) => setLoadError(e.message),
    );
  }, [api, me.bound]);

  const doctor = opts?.doctors.find((d) => d.id === doctorId) ?? null;
  // 不指定 (any doctor): the visit types any bookable doctor takes, so the clinic still learns
  // what the visit is for; none to choose when some doctor takes every type.
  const types = doctor
    ? doctor.visitTypes
    : opts?.doctors.every((d) => d.visitTypes)
      ? [...new Set(opts.doctors.flatMap((d) => d.visitTypes ?? []))]
      : null;
  // The times shown are those of the current day/doctor/type: times loaded for an earlier choice
  // (a slow network, a quick second tap) are never shown, let alone picked, under the new day.
  const query = { date: date ?? '', ...(doctorId ? { doctorId } : {}), ...(visitType ? { visitType } : {}) };
  const queryKey = JSON.stringify(query);
  const [loaded, setLoaded] = useState<{ key: string; slots: BookingSlot[] } | null>(null);
  const slots = loaded?.key === queryKey ? loaded.slots : null;
  const current = useRef(queryKey);
  current.current = queryKey;
  const loadSlots = () => {
    if (!date) return;
    setSlot(null);
    const key = queryKey;
    api.bookingSlots(query).then(
      (r) => current.current === key && setLoaded({ key, slots: r.slots }),
      (e: Error) => current.current === key && setErr(e.message),
    );
  };
  useEffect(loadSlots, [api, date, doctorId, visitType]);

  if (!me.bound)
    return (
      <section class="panel center">
        <h1 class="h1">請先綁定就診資料</h1>
        <p class="muted">完成手機號碼驗證後，就能在這裡為自己或家人線上預約。</p>
        <button class="btn" type="button" onClick={() => go('bind')}>
          立即綁定
        </button>
      </section>
    );
  if (loadError)
    return (
      <section class="panel center" role="alert">
        <h1 class="h1">暫時無法載入</h1>
        <p class="muted">{loadError}</p>
      </section>
    );
  if (!opts)
    return (
      <div aria-busy="true" aria-label="載入中">
        <div class="sk sk-title" />
        <div class="sk sk-card" />
      </div>
    );
  const phone = opts.clinicPhone ? (
    <a class="btn btn-outline" href={`tel:${opts.clinicPhone.replace(/[^\d+]/g, '')}`}>
      來電預約 {opts.clinicPhone}
    </a>
  ) : null;
  if (!opts.enabled || !opts.doctors.length)
    return (
      <section class="panel center">
        <h1 class="h1">目前不開放線上預約</h1>
        <p class="muted">請來電或臨櫃預約，謝謝您。</p>
        {phone}
      </section>
    );

  if (done)
    return (
      <section class="panel center" aria-labelledby="bk-done-h">
        <div class="big-icon pending" aria-hidden="true">
          <svg width="34" height="34" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2">
            <circle cx="12" cy="12" r="9" />
            <path d="M12 7v5l3 2" stroke-linecap="round" />
          </svg>
        </div>
        <h1 class="h1" id="bk-done-h">
          {done.statusLabel}
        </h1>
        <p class="lead">
          {done.patientName}・{done.whenLabel}
        </p>
        <p class="muted">
          {done.doctorName}
          {done.visitType ? `・${done.visitType}` : ''}
        </p>
        <p class="notice" style={{ textAlign: 'left' }}>
          {done.needsApproval && done.note ? done.note : '診所確認後會在 LINE 通知您，也可以在「我的預約」查看。'}
        </p>
        <button class="btn" type="button" style={{ marginTop: 16 }} onClick={() => go('appointments')}>
          查看我的預約
        </button>
      </section>
    );

  async function submit(e: Event) {
    e.preventDefault();
    setErr(null);
    if (!patientId) return setErr('請選擇要為誰預約');
    if (types && !visitType) return setErr('請選擇看診類別');
    if (!slot) return setErr('請選擇時段');
    setBusy(true);
    try {
      const r = await api.book({
        patientId,
        ...(slot.doctorId && doctorId ? { doctorId } : {}),
        ...(visitType ? { visitType } : {}),
        startsAt: slot.startsAt,
        submissionId,
        ...(recallId ? { recallId } : {}),
      });
      setDone(r.request);
    } catch (e2) {
      const m = e2 instanceof LiffApiError ? e2.message : '送出失敗，請稍後再試';
      setErr(m);
      toast(m, 'err');
      if (e2 instanceof LiffApiError && e2.code === 'SLOT_TAKEN') loadSlots();
    } finally {
      setBusy(false);
    }
  }

  const picks = <T extends string>(
    name: string,
    items: { value: T; label: string; sub?: string }[],
    value: T | null,
    set: (v: T) => void,
  ) => (
    <div class="chip-row" role="radiogroup" aria-label={name}>
      {items.map((i) => (
        <label key={i.value} class={`pick${value === i.value ? ' on' : ''}`}>
          <input type="radio" name={name} value={i.value} checked={value === i.value} onChange={() => set(i.value)} />
          {i.label}
          {i.sub ? <span class="small muted"> {i.sub}</span> : null}
        </label>
      ))}
    </div>
  );

  return (
    <form class="panel" onSubmit={submit} aria-labelledby="bk-h" noValidate>
      <h1 class="h1" id="bk-h">
        線上預約
      </h1>
      <p class="muted small">送出後為「預約申請中」，診所確認後才算預約成功。</p>
      <fieldset class="fs">
        <legend class="field">為誰預約</legend>
        {picks(
          '為誰預約',
          opts.patients.map((p) => ({ value: p.id, label: p.name })),
          patientId,
          setPatientId,
        )}
      </fieldset>
      <fieldset class="fs">
        <legend class="field">醫師</legend>
        {picks(
          '醫師',
          [{ value: '', label: '不指定' }, ...opts.doctors.map((d) => ({ value: d.id, label: d.name }))],
          doctorId,
          (v) => {
            setDoctorId(v);
            setVisitType('');
          },
        )}
      </fieldset>
      {types ? (
        <fieldset class="fs">
          <legend class="field">看診類別</legend>
          {picks(
            '看診類別',
            types.map((t) => ({ value: t, label: t })),
            visitType,
            setVisitType,
          )}
        </fieldset>
      ) : null}
      <fieldset class="fs">
        <legend class="field">日期</legend>
        {opts.days.length ? (
          <div class="chip-row" role="radiogroup" aria-label="日期">
            {opts.days.slice(0, 21).map((d) => (
              <label key={d.date} class={`pick${date === d.date ? ' on' : ''}`}>
                <input
                  type="radio"
                  name="date"
                  value={d.date}
                  checked={date === d.date}
                  onChange={() => setDate(d.date)}
                />
                {dayLabel(d.date)}
              </label>
            ))}
          </div>
        ) : (
          <p class="muted">近期沒有可預約的時段。</p>
        )}
      </fieldset>
      <fieldset class="fs">
        <legend class="field">時段</legend>
        {!slots ? (
          <div class="sk sk-card" aria-busy="true" aria-label="載入中" />
        ) : slots.length ? (
          <div class="chip-row" role="radiogroup" aria-label="時段">
            {slots.map((s) => (
              <label key={`${s.doctorId}-${s.startsAt}`} class={`pick${slot === s ? ' on' : ''}`}>
                <input type="radio" name="slot" value={s.startsAt} checked={slot === s} onChange={() => setSlot(s)} />
                {s.time}
                {doctorId ? null : <span class="pick-doc">{s.doctorName}</span>}
              </label>
            ))}
          </div>
        ) : (
          <p class="muted">這一天沒有空位了，請選擇其他日期。</p>
        )}
      </fieldset>
      <p class={`msg${err ? ' err' : ''}`} role={err ? 'alert' : undefined}>
        {err ?? ''}
      </p>
      <div class="stack" style={{ marginTop: 12 }}>
        <button class="btn" type="submit" disabled={busy}>
          {busy ? '送出中…' : '送出預約申請'}
        </button>
        {phone}
      </div>
    </form>
  );
}

/** The user's open (and recently declined or expired) booking requests, above their appointments. */
export function BookingRequests({ api, toast }: { api: Api; toast: Toast }) {
  const [items, setItems] = useState<BookingRequest[]>([]);
  const load = () => {
    api.bookingRequests().then(
      (r) => setItems(r.items),
      () => setItems([]),
    );
  };
  useEffect(load, [api]);
  if (!items.length) return null;
  return (
    <>
      <h1 class="sec-h">預約申請</h1>
      {items.map((r) => (
        <article class="card" key={r.id} aria-label={`${r.patientName} ${r.statusLabel}`}>
          <div class="card-top">
            <div>
              <div class="date">{r.whenLabel}</div>
              <div class="meta">
                {r.patientName}・{r.doctorName}
                {r.visitType ? `・${r.visitType}` : ''}
              </div>
            </div>
            <span class={`chip ${r.status === 'requested' ? 'amber' : r.status === 'declined' ? 'grey' : 'plain'}`}>
              {r.statusLabel}
            </span>
          </div>
          {r.note ? <p class="muted small">{r.note}</p> : null}
          {r.status === 'requested' ? (
            <button
              class="btn btn-ghost"
              type="button"
              onClick={async () => {
                if (!confirm('要取消這筆預約申請嗎？')) return;
                try {
                  await api.cancelBookingRequest(r.id);
                  toast('已取消預約申請');
                  load();
                } catch (e) {
                  toast((e as Error).message, 'err');
                }
              }}
            >
              取消申請
            </button>
          ) : null}
        </article>
      ))}
    </>
  );
}
