/** @jsxImportSource preact */
// The patient's questionnaire form (/liff/<channelId>/questionnaire?r=<recipientId>): single and
// multiple choice as big tap targets, 1–5 and 0–10 score rows, free text; required questions
// are checked on the phone first and the server's per-question messages shown under each one.
// One response per person: after sending (or when opened again) it says thank you; after the
// close date it says the questionnaire has ended.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LiffApiError, type Api, type LiffQuestionnaire } from './api.ts';
import type { Toast } from './shell.ts';

type Value = string | number | string[];
const MAX_TEXT = 1000;

/** The recipient id the form was opened for (?r=… in the URL or in LINE's liff.state). */
export function recipientIdFromLocation(): string | null {
  const direct = new URLSearchParams(location.search).get('r');
  if (direct) return direct;
  const state = new URLSearchParams(location.search).get('liff.state');
  const q = state?.split('?')[1];
  return q ? new URLSearchParams(q).get('r') : null;
}

export function QuestionnairePage({ api, toast, close }: { api: Api; toast: Toast; close: () => void }) {
  const id = useMemo(recipientIdFromLocation, []);
  const [form, setForm] = useState<LiffQuestionnaire | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, Value>>({});
  const [err, setErr] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (!id) {
      setFailed('找不到這份問卷，請從 LINE 聊天室的訊息重新開啟。');
      return;
    }
    api.questionnaire(id).then(setForm, (e: Error) => setFailed(e.message));
  }, [api, id]);

  const set = (qid: string, v: Value) => {
    setValues((x) => ({ ...x, [qid]: v }));
    setErr((x) => {
      const { [qid]: _gone, ...rest } = x;
      return rest;
    });
  };

  async function submit(e: Event) {
    e.preventDefault();
    if (!form || !id) return;
    const problems: Record<string, string> = {};
    form.questions.forEach((q, i) => {
      const v = values[q.id];
      const empty = v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
      if (empty && q.required) problems[q.id] = `第 ${i + 1} 題是必填題，請回答`;
      if (typeof v === 'string' && q.type === 'text' && [...v].length > MAX_TEXT)
        problems[q.id] = `最多 ${MAX_TEXT} 字`;
    });
    setErr(problems);
    if (Object.keys(problems).length) {
      document.getElementById(`q-${Object.keys(problems)[0]}`)?.scrollIntoView({ behavior: 'smooth', block: 'center' });
      toast('還有題目需要回答', 'err');
      return;
    }
    setBusy(true);
    try {
      const answers = Object.entries(values)
        .filter(([, v]) => !(v === '' || (Array.isArray(v) && v.length === 0)))
        .map(([questionId, value]) => ({ questionId, value }));
      await api.answerQuestionnaire(id, answers);
      setDone(true);
      scrollTo(0, 0);
    } catch (e2) {
      if (e2 instanceof LiffApiError && e2.code === 'ALREADY_ANSWERED') {
        setForm({ ...form, state: 'answered' });
      } else if (e2 instanceof LiffApiError && e2.code === 'QUESTIONNAIRE_CLOSED') {
        setForm({ ...form, state: 'closed' });
      } else if (e2 instanceof LiffApiError && e2.status === 422) {
        setErr(e2.fields);
        toast(e2.message, 'err');
      } else toast(e2 instanceof LiffApiError ? e2.message : '送出失敗，請稍後再試', 'err');
    } finally {
      setBusy(false);
    }
  }

  if (failed)
    return (
      <section class="panel center" role="alert">
        <h1 class="h1">無法開啟問卷</h1>
        <p class="muted">{failed}</p>
      </section>
    );
  if (!form)
    return (
      <div aria-busy="true" aria-label="載入中">
        <div class="sk sk-title" />
        <div class="sk sk-card" />
        <div class="sk sk-card" />
      </div>
    );
  if (done || form.state === 'answered')
    return (
      <section class="panel center" aria-labelledby="qdone-h">
        <div class="big-icon ok" aria-hidden="true">
          ✓
        </div>
        <h1 class="h1" id="qdone-h">
          {done ? '已收到，謝謝您！' : '您已經填寫過這份問卷了'}
        </h1>
        <p class="muted">{done ? '您的意見會幫助我們做得更好。' : '每個人只需要填寫一次，謝謝您的回覆！'}</p>
        <button class="btn" type="button" onClick={close}>
          回到聊天室
        </button>
      </section>
    );
  if (form.state === 'closed')
    return (
      <section class="panel center" aria-labelledby="qclosed-h">
        <div class="big-icon warn" aria-hidden="true">
          !
        </div>
        <h1 class="h1" id="qclosed-h">
          這份問卷已經截止
        </h1>
        <p class="muted">謝謝您的關心。如有意見，歡迎直接在聊天室留言給{form.clinicName}。</p>
        <button class="btn btn-outline" type="button" onClick={close}>
          回到聊天室
        </button>
      </section>
    );

  return (
    <form class="panel" onSubmit={submit} aria-labelledby="q-h" noValidate>
      <h1 class="h1" id="q-h">
        {form.title}
      </h1>
      {form.intro ? <p class="muted small">{form.intro}</p> : null}
      {form.questions.map((q, i) => {
        const v = values[q.id];
        const msgId = `q-${q.id}-msg`;
        return (
          <fieldset class="fs qn" key={q.id} id={`q-${q.id}`} aria-describedby={msgId} aria-invalid={!!err[q.id]}>
            <legend class="field">
              {i + 1}. {q.title}
              {q.required ? <span class="req"> *必填</span> : null}
            </legend>
            {q.type === 'single' || q.type === 'multi' ? (
              <div class="chip-row">
                {(q.options ?? []).map((o) => {
                  const on = q.type === 'single' ? v === o.id : Array.isArray(v) && v.includes(o.id);
                  return (
                    <label key={o.id} class={`pick${on ? ' on' : ''}`}>
                      <input
                        type={q.type === 'single' ? 'radio' : 'checkbox'}
                        name={q.id}
                        checked={on}
                        onChange={() =>
                          q.type === 'single'
                            ? set(q.id, o.id)
                            : set(
                                q.id,
                                on ? (v as string[]).filter((x) => x !== o.id) : [...(Array.isArray(v) ? v : []), o.id],
                              )
                        }
                      />
                      {o.label}
                    </label>
                  );
                })}
              </div>
            ) : q.type === 'text' ? (
              <>
                <textarea
                  class={`input${err[q.id] ? ' bad' : ''}`}
                  rows={4}
                  aria-label={q.title}
                  placeholder="請輸入"
                  value={(v as string) ?? ''}
                  onInput={(e) => set(q.id, (e.target as HTMLTextAreaElement).value)}
                />
                <p class="msg small">
                  {[...((v as string) ?? '')].length} / {MAX_TEXT}
                </p>
              </>
            ) : (
              <>
                <div class={`scores ${q.type}`} role="radiogroup" aria-label={q.title}>
                  {(q.type === 'scale' ? [1, 2, 3, 4, 5] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).map((n) => (
                    <label key={n} class={`score${v === n ? ' on' : ''}`}>
                      <input type="radio" name={q.id} checked={v === n} onChange={() => set(q.id, n)} />
                      {n}
                    </label>
                  ))}
                </div>
                <div class="score-ends">
                  <span>{q.type === 'scale' ? '非常不滿意' : '完全不會推薦'}</span>
                  <span>{q.type === 'scale' ? '非常滿意' : '非常願意推薦'}</span>
                </div>
              </>
            )}
            <p id={msgId} class={`msg${err[q.id] ? ' err' : ''}`}>
              {err[q.id] ?? ''}
            </p>
          </fieldset>
        );
      })}
      <div class="stack" style={{ marginTop: 8 }}>
        <button class="btn" type="submit" disabled={busy}>
          {busy ? '送出中…' : '送出'}
        </button>
      </div>
    </form>
  );
}
