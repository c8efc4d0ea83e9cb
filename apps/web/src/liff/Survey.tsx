/** @jsxImportSource preact */
// The patient's satisfaction page (?s=<surveyId>): the stars (when not given in the chat yet)
// and an optional comment. 3 stars or fewer are asked 「想讓我們知道哪裡可以更好嗎？」 and their
// comment opens a feedback case; every respondent is offered the clinic's Google review link.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LiffApiError, type Api, type LiffSurvey } from './api.ts';
import type { Toast } from './shell.ts';

const STAR_LABEL: Record<number, string> = { 5: '非常滿意', 4: '滿意', 3: '普通', 2: '不滿意', 1: '非常不滿意' };
const n = (x: number) => x.toLocaleString('en-US');

/** The survey id the page was opened for (?s=… in the URL or in LINE's liff.state). */
export function surveyIdFromLocation(): string | null {
  const direct = new URLSearchParams(location.search).get('s');
  if (direct) return direct;
  const state = new URLSearchParams(location.search).get('liff.state');
  const q = state?.split('?')[1];
  return q ? new URLSearchParams(q).get('s') : null;
}

function ReviewLink({ url }: { url: string | null }) {
  if (!url) return null;
  return (
    <div class="callout" style={{ marginTop: 16 }}>
      <p style={{ margin: '0 0 10px' }}>如果您願意，也歡迎在 Google 地圖分享這次的看診經驗，讓更多人認識我們。</p>
      <a class="btn btn-outline" href={url} target="_blank" rel="noopener">
        寫 Google 評論
      </a>
    </div>
  );
}

export function SurveyPage({ api, toast, close }: { api: Api; toast: Toast; close: () => void }) {
  const id = useMemo(surveyIdFromLocation, []);
  const submissionId = useMemo(
    () =>
      'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`,
    [],
  );
  const [sv, setSv] = useState<LiffSurvey | null>(null);
  const [loadError, setLoadError] = useState<string | null>(id ? null : '找不到這份滿意度調查');
  const [stars, setStars] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [err, setErr] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<LiffSurvey | null>(null);

  useEffect(() => {
    if (!id) return;
    api.survey(id).then(
      (s) => {
        setSv(s);
        if (s.comment !== null) setDone(s);
      },
      (e: Error) => setLoadError(e.message),
    );
  }, [api, id]);

  const max = sv?.commentMax ?? 1000;
  const length = text.trim().length;
  const tooLong = length > max ? `意見最多 ${n(max)} 字，目前 ${n(length)} 字，請精簡後再送出` : null;
  const given = sv?.stars ?? stars;

  async function submit(e: Event) {
    e.preventDefault();
    if (!sv) return;
    const problems: Record<string, string> = {};
    if (!sv.stars && !stars) problems.stars = '請先選擇 1 到 5 顆星';
    if (tooLong) problems.text = tooLong;
    setErr(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const r = await api.submitSurvey(sv.id, {
        submissionId,
        comment: text.trim(),
        ...(!sv.stars && stars ? { stars } : {}),
      });
      setDone(r);
    } catch (e2) {
      // A refused comment: the server's words for the field (e.g. the limit in characters).
      const field = e2 instanceof LiffApiError && e2.status === 422 ? e2.details.field : null;
      const m = field ? String(e2 instanceof LiffApiError ? e2.details.message : '') : null;
      if (field === 'comment' && m) setErr({ text: m });
      else if (field === 'stars' && m) setErr({ stars: m });
      toast(m || (e2 instanceof LiffApiError ? e2.message : '送出失敗，請稍後再試'), 'err');
    } finally {
      setBusy(false);
    }
  }

  if (loadError)
    return (
      <section class="panel center" role="alert">
        <h1 class="h1">無法開啟這份調查</h1>
        <p class="muted">{loadError}</p>
        <button class="btn" type="button" onClick={close}>
          回到聊天室
        </button>
      </section>
    );
  if (!sv)
    return (
      <div aria-busy="true" aria-label="載入中">
        <div class="sk sk-title" />
        <div class="sk sk-card" />
      </div>
    );

  if (done)
    return (
      <section class="panel center" aria-labelledby="sv-done-h">
        <div class="big-icon ok" aria-hidden="true">
          ✓
        </div>
        <h1 class="h1" id="sv-done-h">
          謝謝您的回饋
        </h1>
        {done.stars ? (
          <p class="lead">
            {'★'.repeat(done.stars)}
            {'☆'.repeat(5 - done.stars)} {STAR_LABEL[done.stars]}
          </p>
        ) : null}
        {done.caseNumber ? (
          <p class="muted">您的意見已轉給專人（案件編號 {done.caseNumber}），我們會盡快在 LINE 與您聯繫。</p>
        ) : (
          <p class="muted">我們收到了，會作為改善服務的參考。</p>
        )}
        <ReviewLink url={done.reviewUrl} />
        <button class="btn" type="button" style={{ marginTop: 16 }} onClick={close}>
          回到聊天室
        </button>
      </section>
    );

  if (sv.expired)
    return (
      <section class="panel center">
        <h1 class="h1">這份調查已超過填答期限</h1>
        <p class="muted">謝謝您的關心！如有任何意見，歡迎直接在 LINE 聊天室留言告訴我們。</p>
        <button class="btn" type="button" onClick={close}>
          回到聊天室
        </button>
      </section>
    );

  const low = given !== null && given <= 3;
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="sv-h" noValidate>
      <h1 class="h1" id="sv-h">
        看診滿意度
      </h1>
      <p class="muted small">
        {sv.visitDate.replaceAll('-', '/')} {sv.doctorName}
        {sv.visitType ? `・${sv.visitType}` : ''}
      </p>
      <fieldset class="fs">
        <legend class="field">這次看診，您滿意嗎？</legend>
        {sv.stars ? (
          <p class="lead" aria-label={`已評 ${sv.stars} 星`}>
            {'★'.repeat(sv.stars)}
            {'☆'.repeat(5 - sv.stars)} {STAR_LABEL[sv.stars]}（已收到）
          </p>
        ) : (
          <div class="chip-row" role="radiogroup" aria-invalid={!!err.stars} aria-describedby="sv-stars-msg">
            {[5, 4, 3, 2, 1].map((v) => (
              <label key={v} class={`pick${stars === v ? ' on' : ''}`}>
                <input type="radio" name="stars" value={v} checked={stars === v} onChange={() => setStars(v)} />
                {'★'.repeat(v)} {STAR_LABEL[v]}
              </label>
            ))}
          </div>
        )}
        <p id="sv-stars-msg" class={`msg${err.stars ? ' err' : ''}`}>
          {err.stars ?? ''}
        </p>
      </fieldset>
      <label class="field" for="sv-text">
        {low ? '想讓我們知道哪裡可以更好嗎？（選填）' : '想對我們說的話（選填）'}
      </label>
      <textarea
        id="sv-text"
        class={`input${err.text || tooLong ? ' bad' : ''}`}
        rows={6}
        placeholder={low ? '例如：候診時間太久、說明不夠清楚' : '例如：醫師很仔細，謝謝'}
        value={text}
        onInput={(e) => {
          setText((e.target as HTMLTextAreaElement).value);
          if (err.text) setErr((x) => ({ ...x, text: '' }));
        }}
        aria-invalid={!!(err.text || tooLong)}
        aria-describedby="sv-text-msg"
      />
      <p id="sv-text-msg" class={`msg${err.text || tooLong ? ' err' : ''}`}>
        {err.text || tooLong || `${n(length)} / ${n(max)} 字`}
      </p>
      {low ? <p class="muted small">您的意見會由專人跟進，必要時我們會在 LINE 與您聯繫。</p> : null}
      <div class="stack" style={{ marginTop: 18 }}>
        <button class="btn" type="submit" disabled={busy}>
          {busy ? '送出中…' : '送出'}
        </button>
      </div>
      {sv.stars ? <ReviewLink url={sv.reviewUrl} /> : null}
    </form>
  );
}
