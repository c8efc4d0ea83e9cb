/** @jsxImportSource preact */
// The patient's live queue page (/queue, opened from a queue notice or the rich menu): each of
// today's checked-in visits of the LINE user's patients (self and family) with their number,
// the number being called and how many are ahead, and every doctor's board; it refreshes itself
// every few seconds while the page is visible.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { timeOf, type Api, type LiffQueue, type Me } from './api.ts';
import type { Page } from './shell.ts';

type Visit = LiffQueue['visits'][number];

function VisitCard({ v }: { v: Visit }) {
  const headline =
    v.state === 'called'
      ? '已叫到您的號碼，請進診間'
      : v.state === 'next'
        ? '請準備進診間'
        : v.ahead === null
          ? '尚未開始叫號'
          : `前面還有 ${v.ahead} 位`;
  return (
    <article class={`card q-card ${v.state}`} aria-label={`${v.patientName} 的看診進度`}>
      <div class="q-head">
        <span class="q-name">{v.patientName}</span>
        <span class={`chip ${v.state === 'next' ? 'amber' : v.state === 'called' ? 'grey' : 'green'}`}>
          {v.state === 'called' ? '已叫號' : v.state === 'next' ? '下一位' : '候診中'}
        </span>
      </div>
      <p class="q-headline" role="status">
        {headline}
      </p>
      <div class="q-nums">
        <div class="q-num mine">
          <div class="q-label">您的號碼</div>
          <div class="q-value">{v.queueNumber}</div>
        </div>
        <div class="q-num">
          <div class="q-label">目前看診</div>
          <div class="q-value">{v.calledNumber ?? '—'}</div>
        </div>
      </div>
      <dl class="meta">
        <dt>醫師</dt>
        <dd>
          {v.doctorName}・{v.sessionLabel}
        </dd>
        {v.room ? (
          <>
            <dt>診間</dt>
            <dd>{v.room}</dd>
          </>
        ) : null}
        {v.calledAt ? (
          <>
            <dt>叫號時間</dt>
            <dd>{timeOf(v.calledAt)}</dd>
          </>
        ) : null}
      </dl>
    </article>
  );
}

export function QueuePage({ api, me, go }: { api: Api; me: Me; go: (p: Page) => void }) {
  const [data, setData] = useState<LiffQueue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api.queue().then(
      (d) => {
        setData(d);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [api]);
  useEffect(load, [load]);
  const every = (data?.refreshSeconds ?? 15) * 1000;
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') load();
    }, every);
    const onShow = () => document.visibilityState === 'visible' && load();
    document.addEventListener('visibilitychange', onShow);
    return () => {
      clearInterval(t);
      document.removeEventListener('visibilitychange', onShow);
    };
  }, [load, every]);

  if (!data)
    return error ? (
      <section class="panel center" role="alert">
        <h1 class="h1">暫時無法載入看診進度</h1>
        <p class="muted">{error}</p>
        <button class="btn" type="button" onClick={load}>
          重新整理
        </button>
      </section>
    ) : (
      <div aria-busy="true" aria-label="載入中">
        <div class="sk sk-title" />
        <div class="sk sk-card" />
      </div>
    );

  return (
    <>
      <h1 class="sec-h q-title">
        看診進度
        <span class="count">
          {timeOf(data.updatedAt)} 更新・每 {data.refreshSeconds} 秒自動更新
        </span>
      </h1>
      {error ? <p class="callout">網路不穩，顯示的是 {timeOf(data.updatedAt)} 的進度。</p> : null}
      {data.visits.length ? (
        data.visits.map((v) => <VisitCard key={`${v.patientName}-${v.queueNumber}-${v.session}`} v={v} />)
      ) : (
        <div class="empty">
          <h2 class="h2">今天沒有已報到的看診</h2>
          <p class="muted">
            {me.bound
              ? '在櫃台報到後，這裡會顯示您的號碼與前面還有幾位；快輪到您時也會用 LINE 通知您。'
              : '綁定帳號後，在櫃台報到時這裡會顯示您的號碼，快輪到您時也會用 LINE 通知您。'}
          </p>
          {me.bound ? null : (
            <button class="btn" type="button" onClick={() => go('bind')}>
              綁定帳號
            </button>
          )}
        </div>
      )}
      <h2 class="sec-h" style={{ marginTop: 24 }}>
        今日各診進度
      </h2>
      {data.boards.length ? (
        <ul class="q-boards">
          {data.boards.map((b) => (
            <li key={`${b.doctorName}-${b.session}`}>
              <div>
                <div class="q-board-name">
                  {b.doctorName}・{b.sessionLabel}
                </div>
                <div class="small muted q-board-sub">
                  {b.room ?? ''}
                  {b.room && b.calledAt ? '・' : ''}
                  {b.calledAt ? `${timeOf(b.calledAt)} 叫號` : b.calledNumber === null ? '尚未開始叫號' : ''}
                </div>
              </div>
              <div class="q-board-num" aria-label={`${b.doctorName} ${b.sessionLabel} 目前看診號碼`}>
                {b.calledNumber ?? '—'}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted intro">今天各診尚未開始看診。</p>
      )}
    </>
  );
}
