/** @jsxImportSource preact */
// The patient's 意見反映 form: adds details to the case their LINE message opened (?case=…) or
// opens a new one. Photos are scaled down on the phone (longest side 1600 px, JPEG) before upload.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatPhone, LiffApiError, type Api, type LiffCase } from './api.ts';
import type { Toast } from './shell.ts';

const KINDS = [
  ['complaint', '客訴'],
  ['suggestion', '意見'],
  ['praise', '讚美'],
] as const;
const CATEGORIES = [
  ['wait_time', '候診時間'],
  ['attitude', '服務態度'],
  ['explanation', '醫療說明'],
  ['fees', '費用'],
  ['environment', '環境'],
  ['booking', '預約'],
  ['other', '其他'],
] as const;
type Kind = (typeof KINDS)[number][0];
type Category = (typeof CATEGORIES)[number][0];
const MAX_PHOTOS = 3;

/** The case id the form was opened for (?case=… in the URL or in LINE's liff.state). */
export function caseIdFromLocation(): string | null {
  const direct = new URLSearchParams(location.search).get('case');
  if (direct) return direct;
  const state = new URLSearchParams(location.search).get('liff.state');
  const q = state?.split('?')[1];
  return q ? new URLSearchParams(q).get('case') : null;
}

/** A photo as JPEG Base64, its longest side at most 1600 px (phones take 12-megapixel photos). */
async function shrink(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const url = canvas.toDataURL('image/jpeg', 0.85);
  return url.slice(url.indexOf(',') + 1);
}

export function ComplaintPage({ api, toast, close }: { api: Api; toast: Toast; close: () => void }) {
  const caseId = useMemo(caseIdFromLocation, []);
  const submissionId = useMemo(
    () =>
      'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`,
    [],
  );
  const [existing, setExisting] = useState<LiffCase | null>(null);
  const [loading, setLoading] = useState(!!caseId);
  const [kind, setKind] = useState<Kind>('complaint');
  const [category, setCategory] = useState<Category>('other');
  const [text, setText] = useState('');
  const [photos, setPhotos] = useState<{ name: string; b64: string }[]>([]);
  const [contact, setContact] = useState<'line' | 'phone'>('line');
  const [phone, setPhone] = useState('');
  const [when, setWhen] = useState('');
  const [err, setErr] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<LiffCase | null>(null);

  useEffect(() => {
    if (!caseId) return;
    api.complaint(caseId).then(
      (c) => {
        setExisting(c);
        setKind(c.kind);
        setCategory(c.category);
        if (c.contactPhone) setPhone(formatPhone(c.contactPhone));
        if (c.contactTime) setWhen(c.contactTime);
        setContact(c.contactMethod);
        setLoading(false);
      },
      (e: Error) => {
        setLoading(false);
        toast(e.message, 'err');
      },
    );
  }, [api, caseId, toast]);

  async function addPhotos(files: FileList | null) {
    if (!files) return;
    const room = MAX_PHOTOS - photos.length;
    const picked = [...files].slice(0, room);
    if (files.length > room) toast(`最多 ${MAX_PHOTOS} 張照片`, 'err');
    const out: { name: string; b64: string }[] = [];
    for (const f of picked) {
      if (!f.type.startsWith('image/')) {
        toast('只能上傳照片', 'err');
        continue;
      }
      try {
        out.push({ name: f.name, b64: await shrink(f) });
      } catch {
        toast('這張照片無法讀取，請換一張', 'err');
      }
    }
    setPhotos((p) => [...p, ...out]);
  }

  async function submit(e: Event) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!existing && !text.trim()) problems.text = '請告訴我們發生了什麼事';
    const digits = phone.replace(/\D/g, '');
    if (contact === 'phone' && digits.length < 9) problems.phone = '請留下可以聯絡您的電話（例如 0912-345-678）';
    setErr(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const r = await api.submitComplaint({
        ...(caseId ? { caseId } : {}),
        submissionId,
        kind,
        category,
        text: text.trim(),
        photos: photos.map((p) => p.b64),
        contactMethod: contact,
        ...(digits ? { contactPhone: digits } : {}),
        ...(when.trim() ? { contactTime: when.trim() } : {}),
      });
      setDone(r);
    } catch (e2) {
      const m = e2 instanceof LiffApiError ? e2.message : '送出失敗，請稍後再試';
      toast(m, 'err');
    } finally {
      setBusy(false);
    }
  }

  if (loading)
    return (
      <div aria-busy="true" aria-label="載入中">
        <div class="sk sk-title" />
        <div class="sk sk-card" />
      </div>
    );

  if (done)
    return (
      <section class="panel center" aria-labelledby="cdone-h">
        <div class="big-icon ok" aria-hidden="true">
          ✓
        </div>
        <h1 class="h1" id="cdone-h">
          已收到，謝謝您
        </h1>
        <p class="lead">案件編號 {done.number}</p>
        <p class="muted">{done.limitsText}。處理進度會在 LINE 聊天室通知您。</p>
        <button class="btn" type="button" onClick={close}>
          回到聊天室
        </button>
      </section>
    );

  if (existing?.closed)
    return (
      <section class="panel center">
        <h1 class="h1">這個案件已結案</h1>
        <p class="muted">案件 {existing.number} 已處理完成。如有新的意見，請直接在聊天室留言，或在這裡開立新的意見。</p>
        <button class="btn btn-outline" type="button" onClick={() => location.assign(location.pathname)}>
          反映新的意見
        </button>
      </section>
    );

  return (
    <form class="panel" onSubmit={submit} aria-labelledby="c-h" noValidate>
      <h1 class="h1" id="c-h">
        {existing ? `補充說明（案件 ${existing.number}）` : '意見反映'}
      </h1>
      <p class="muted small">
        {existing ? '我們已收到您的訊息，' : ''}
        {existing?.limitsText ?? '您的意見會由專人處理'}。
      </p>
      {existing ? (
        <div class="callout">
          您在聊天室說的話：「{existing.text.length > 60 ? `${existing.text.slice(0, 60)}…` : existing.text}」
        </div>
      ) : null}

      <fieldset class="fs">
        <legend class="field">類型</legend>
        <div class="chip-row">
          {KINDS.map(([v, label]) => (
            <label key={v} class={`pick${kind === v ? ' on' : ''}`}>
              <input type="radio" name="kind" value={v} checked={kind === v} onChange={() => setKind(v)} />
              {label}
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset class="fs">
        <legend class="field">關於哪方面</legend>
        <div class="chip-row">
          {CATEGORIES.map(([v, label]) => (
            <label key={v} class={`pick${category === v ? ' on' : ''}`}>
              <input type="radio" name="category" value={v} checked={category === v} onChange={() => setCategory(v)} />
              {label}
            </label>
          ))}
        </div>
      </fieldset>

      <label class="field" for="c-text">
        {existing ? '想補充的內容（選填）' : '發生了什麼事'}
      </label>
      <textarea
        id="c-text"
        class={`input${err.text ? ' bad' : ''}`}
        rows={5}
        maxLength={5000}
        placeholder="例如：預約 3 點，等到 4 點半才看到醫師，櫃台也沒有說明"
        value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        aria-invalid={!!err.text}
        aria-describedby="c-text-msg"
      />
      <p id="c-text-msg" class={`msg${err.text ? ' err' : ''}`}>
        {err.text ?? ''}
      </p>

      <span class="field">照片（選填，最多 {MAX_PHOTOS} 張）</span>
      <div class="chip-row">
        {photos.map((p, i) => (
          <span key={i} class="thumb">
            <img src={`data:image/jpeg;base64,${p.b64}`} alt={`照片 ${i + 1}`} />
            <button
              type="button"
              class="thumb-x"
              aria-label={`移除照片 ${i + 1}`}
              onClick={() => setPhotos((ps) => ps.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </span>
        ))}
        {photos.length + (existing?.photos ?? 0) < MAX_PHOTOS ? (
          <label class="pick">
            <input
              type="file"
              accept="image/jpeg,image/png"
              multiple
              onChange={(e) => {
                const input = e.target as HTMLInputElement;
                void addPhotos(input.files).then(() => (input.value = ''));
              }}
            />
            ＋ 加入照片
          </label>
        ) : null}
      </div>
      {existing?.photos ? <p class="msg">已上傳 {existing.photos} 張</p> : <p class="msg" />}

      <fieldset class="fs">
        <legend class="field">希望我們怎麼聯絡您</legend>
        <div class="chip-row">
          <label class={`pick${contact === 'line' ? ' on' : ''}`}>
            <input type="radio" name="contact" checked={contact === 'line'} onChange={() => setContact('line')} />
            LINE 回覆
          </label>
          <label class={`pick${contact === 'phone' ? ' on' : ''}`}>
            <input type="radio" name="contact" checked={contact === 'phone'} onChange={() => setContact('phone')} />
            打電話給我
          </label>
        </div>
      </fieldset>
      {contact === 'phone' ? (
        <>
          <label class="field" for="c-phone">
            電話
          </label>
          <input
            id="c-phone"
            class={`input${err.phone ? ' bad' : ''}`}
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            placeholder="0912-345-678"
            value={phone}
            onInput={(e) => setPhone(formatPhone((e.target as HTMLInputElement).value))}
            aria-invalid={!!err.phone}
            aria-describedby="c-phone-msg"
          />
          <p id="c-phone-msg" class={`msg${err.phone ? ' err' : ''}`}>
            {err.phone ?? ''}
          </p>
        </>
      ) : null}
      <label class="field" for="c-when">
        方便聯絡的時間（選填）
      </label>
      <input
        id="c-when"
        class="input"
        maxLength={100}
        placeholder="例如：平日下午 2 點後"
        value={when}
        onInput={(e) => setWhen((e.target as HTMLInputElement).value)}
      />
      <div class="stack" style={{ marginTop: 18 }}>
        <button class="btn" type="submit" disabled={busy}>
          {busy ? '送出中…' : '送出'}
        </button>
      </div>
    </form>
  );
}
