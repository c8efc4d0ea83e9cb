/** @jsxImportSource preact */
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  formatPhone,
  LiffApiError,
  phoneProblem,
  type Api,
  type LiffConfig,
  type Me,
  type OtpSent,
  type Patient,
} from './api.ts';
import type { Page, Toast } from './shell.ts';

type Step = 'privacy' | 'phone' | 'code' | 'done' | 'notfound';
type Props = {
  api: Api;
  me: Me;
  config: LiffConfig;
  onBound: () => void;
  setMe: (m: Me) => void;
  go: (p: Page) => void;
  close: () => void;
  toast: Toast;
};

const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`;
export const names = (ps: { name: string }[]) => ps.map((p) => p.name).join('、');

function Steps({ step }: { step: Step }) {
  const at = step === 'privacy' ? 0 : step === 'phone' || step === 'notfound' ? 1 : 2;
  return (
    <ol class="steps" aria-label="綁定步驟">
      {['個資告知', '手機號碼', '簡訊驗證'].map((s, i) => (
        <li key={s} class={i < at ? 'done' : i === at ? 'on' : ''} aria-current={i === at ? 'step' : undefined}>
          <span class="dot" aria-hidden="true">
            {i < at ? '✓' : i + 1}
          </span>
          {s}
        </li>
      ))}
    </ol>
  );
}

export function BindPage({ api, me, config, onBound, setMe, go, close, toast }: Props) {
  const [step, setStep] = useState<Step>('privacy');
  const [agree, setAgree] = useState(false);
  const [phone, setPhone] = useState('');
  const [phoneErr, setPhoneErr] = useState<string | null>(null);
  const [sent, setSent] = useState<OtpSent | null>(null);
  const [resendAt, setResendAt] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [code, setCode] = useState('');
  const [codeErr, setCodeErr] = useState<string | null>(null);
  const [locked, setLocked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [linked, setLinked] = useState<Patient[]>([]);
  const [confirmUnbind, setConfirmUnbind] = useState(false);
  const [notFound, setNotFound] = useState('');
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (resendAt <= Date.now()) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [resendAt]);
  useEffect(() => {
    if (step === 'code') codeRef.current?.focus();
  }, [step]);

  const wait = Math.max(0, Math.ceil((resendAt - now) / 1000));

  async function send(e?: Event) {
    e?.preventDefault();
    const problem = phoneProblem(phone);
    setPhoneErr(problem);
    if (problem || busy) return;
    setBusy(true);
    try {
      const r = await api.sendOtp(phone.replace(/\D/g, ''));
      setSent(r);
      setResendAt(Date.now() + r.resendAfterSeconds * 1000);
      setNow(Date.now());
      setCode('');
      setCodeErr(null);
      setLocked(false);
      setStep('code');
      if (step === 'code') toast('已重新傳送驗證碼');
    } catch (err) {
      const ex = err as LiffApiError;
      if (ex.code === 'PHONE_NOT_FOUND') {
        setNotFound(ex.message);
        setStep('notfound');
      } else if (ex.code === 'CONSENT_REQUIRED') {
        setAgree(false);
        setStep('privacy');
        toast(ex.message, 'err');
      } else if (ex.code === 'OTP_RESEND_TOO_SOON' && step === 'code') {
        setResendAt(Date.now() + (ex.num?.('retryAfterSeconds') ?? 60) * 1000);
        setNow(Date.now());
        toast(ex.message, 'err');
      } else if (step === 'code') setCodeErr(ex.message);
      else setPhoneErr(ex.message);
    } finally {
      setBusy(false);
    }
  }

  async function verify(value = code, e?: Event) {
    e?.preventDefault();
    if (busy || locked) return;
    if (!/^\d{6}$/.test(value)) {
      setCodeErr('請輸入簡訊中的 6 位數字驗證碼');
      return;
    }
    setBusy(true);
    try {
      const r = await api.verifyOtp(phone.replace(/\D/g, ''), value);
      setLinked(r.patients);
      setStep('done');
      onBound();
    } catch (err) {
      const ex = err as LiffApiError;
      setCode('');
      if (ex.code === 'OTP_LOCKED') {
        setLocked(true);
        setCodeErr(ex.message);
      } else if (ex.code === 'OTP_INVALID') {
        const left = ex.num?.('attemptsLeft');
        setCodeErr(
          left != null && !ex.message.includes(String(left)) ? `${ex.message}（還可以再試 ${left} 次）` : ex.message,
        );
        codeRef.current?.focus();
      } else setCodeErr(ex.message);
    } finally {
      setBusy(false);
    }
  }

  async function unbind() {
    setBusy(true);
    try {
      await api.unbind();
      setMe({ ...me, bound: false, phoneMasked: null, patients: [] });
      setConfirmUnbind(false);
      setStep('privacy');
      setAgree(false);
      toast('已解除綁定');
    } catch (err) {
      toast((err as Error).message, 'err');
    } finally {
      setBusy(false);
    }
  }

  if (step === 'done') {
    return (
      <section class="panel center" aria-labelledby="done-h">
        <div class="big-icon ok" aria-hidden="true">
          ✓
        </div>
        <h1 class="h1" id="done-h">
          綁定完成
        </h1>
        <p class="lead">已綁定：{names(linked) || '—'}</p>
        <p class="muted">
          之後的預約提醒會傳到這個 LINE，也可以隨時在這裡查詢{linked.length > 1 ? '全家人' : ''}的預約。
        </p>
        <div class="stack">
          <button class="btn" type="button" onClick={() => go(linked.length > 1 ? 'family' : 'appointments')}>
            查看{linked.length > 1 ? '家人' : '我的'}預約
          </button>
          <button class="btn btn-ghost" type="button" onClick={close}>
            關閉
          </button>
        </div>
      </section>
    );
  }

  if (me.bound) {
    return (
      <section class="panel" aria-labelledby="bound-h">
        <h1 class="h1" id="bound-h">
          已完成綁定
        </h1>
        <dl class="kv">
          <dt>LINE 帳號</dt>
          <dd>{me.lineUser.displayName}</dd>
          <dt>手機號碼</dt>
          <dd>{me.phoneMasked ?? '—'}</dd>
        </dl>
        <h2 class="h2">已綁定的就診人</h2>
        <ul class="people">
          {me.patients.map((p) => (
            <li key={p.id}>
              <span class="avatar" aria-hidden="true">
                {p.name.slice(0, 1)}
              </span>
              <span>{p.name}</span>
              {p.birthYear ? <span class="muted small">{p.birthYear} 年生</span> : null}
            </li>
          ))}
        </ul>
        <button class="btn" type="button" onClick={() => go('appointments')}>
          查看我的預約
        </button>
        {confirmUnbind ? (
          <div class="confirm" role="alertdialog" aria-labelledby="unbind-q">
            <p id="unbind-q">
              <strong>確定要解除綁定嗎？</strong>
              <br />
              解除後將不會再收到預約提醒，也無法在 LINE 查詢預約，之後可以重新綁定。
            </p>
            <div class="row2">
              <button class="btn btn-ghost" type="button" onClick={() => setConfirmUnbind(false)} disabled={busy}>
                保留綁定
              </button>
              <button class="btn btn-danger" type="button" onClick={unbind} disabled={busy}>
                {busy ? '處理中…' : '解除綁定'}
              </button>
            </div>
          </div>
        ) : (
          <button class="btn btn-link-danger" type="button" onClick={() => setConfirmUnbind(true)}>
            解除綁定
          </button>
        )}
      </section>
    );
  }

  return (
    <>
      <Steps step={step} />
      {step === 'privacy' ? (
        <section class="panel" aria-labelledby="pn-h">
          <h1 class="h1" id="pn-h">
            {me.privacyNotice.title || '個人資料蒐集告知'}
          </h1>
          <p class="muted">
            綁定後，{config.clinic.name}會以您的手機號碼找到您與家人的就診資料，用於傳送預約提醒、讓您在 LINE
            查詢與回覆預約。
          </p>
          <div class="notice" tabIndex={0} aria-label="個資告知全文">
            {me.privacyNotice.text}
          </div>
          <p class="muted small">告知版本 {me.privacyNotice.version}</p>
          <label class="check">
            <input
              type="checkbox"
              checked={agree}
              onChange={(e) => setAgree((e.currentTarget as HTMLInputElement).checked)}
            />
            <span>我已閱讀並同意上述個資告知</span>
          </label>
          <button class="btn" type="button" disabled={!agree} onClick={() => setStep('phone')}>
            下一步
          </button>
        </section>
      ) : step === 'phone' ? (
        <form class="panel" onSubmit={send} noValidate aria-labelledby="ph-h">
          <h1 class="h1" id="ph-h">
            輸入手機號碼
          </h1>
          <p class="muted">請填寫在{config.clinic.name}掛號時留下的手機號碼，我們會傳送 6 位數驗證碼到這支手機。</p>
          <label class="field" for="phone">
            手機號碼
          </label>
          <input
            id="phone"
            class={`input big${phoneErr ? ' bad' : ''}`}
            type="tel"
            inputMode="numeric"
            autoComplete="tel-national"
            placeholder="0912-345-678"
            value={phone}
            aria-invalid={phoneErr ? true : undefined}
            aria-describedby="phone-msg"
            onInput={(e) => {
              setPhone(formatPhone((e.currentTarget as HTMLInputElement).value));
              setPhoneErr(null);
            }}
          />
          <p id="phone-msg" class={phoneErr ? 'msg err' : 'msg'} role={phoneErr ? 'alert' : undefined}>
            {phoneErr ?? '只限 09 開頭的手機號碼'}
          </p>
          <button class="btn" type="submit" disabled={busy}>
            {busy ? '傳送中…' : '傳送驗證碼'}
          </button>
          <button class="btn btn-ghost" type="button" onClick={() => setStep('privacy')}>
            上一步
          </button>
        </form>
      ) : step === 'notfound' ? (
        <section class="panel center" aria-labelledby="nf-h">
          <div class="big-icon warn" aria-hidden="true">
            ?
          </div>
          <h1 class="h1" id="nf-h">
            找不到這個號碼的就診資料
          </h1>
          <p class="muted">{notFound || `${formatPhone(phone)} 在${config.clinic.name}沒有就診紀錄。`}</p>
          <p class="muted small">可能是掛號時留了其他號碼，或尚未建立病歷。請來電請櫃台協助更新，完成後再綁定一次。</p>
          <div class="stack">
            {config.clinic.phone ? (
              <a class="btn" href={telHref(config.clinic.phone)}>
                撥打診所電話 {config.clinic.phone}
              </a>
            ) : null}
            <button class="btn btn-ghost" type="button" onClick={() => setStep('phone')}>
              改用其他號碼
            </button>
          </div>
        </section>
      ) : (
        <form class="panel" onSubmit={(e) => verify(code, e)} noValidate aria-labelledby="code-h">
          <h1 class="h1" id="code-h">
            輸入簡訊驗證碼
          </h1>
          <p class="muted">
            驗證碼已傳送至 <strong>{sent?.sentTo ?? formatPhone(phone)}</strong>，
            {Math.round((sent?.expiresInSeconds ?? 300) / 60)} 分鐘內有效。
          </p>
          <label class="field" for="code">
            6 位數驗證碼
          </label>
          <input
            id="code"
            ref={codeRef}
            class={`input big code${codeErr ? ' bad' : ''}`}
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={6}
            placeholder="••••••"
            value={code}
            disabled={locked}
            aria-invalid={codeErr ? true : undefined}
            aria-describedby="code-msg"
            onInput={(e) => {
              const v = (e.currentTarget as HTMLInputElement).value.replace(/\D/g, '').slice(0, 6);
              setCode(v);
              setCodeErr(null);
              if (v.length === 6) void verify(v);
            }}
          />
          <p id="code-msg" class={codeErr ? 'msg err' : 'msg'} role={codeErr ? 'alert' : undefined}>
            {codeErr ?? '收到簡訊後，驗證碼會自動帶入或請手動輸入'}
          </p>
          {locked ? (
            <p class="callout">
              為保護您的資料，驗證已暫時鎖定。請稍後再試，或來電請櫃台協助
              {config.clinic.phone ? (
                <>
                  ：<a href={telHref(config.clinic.phone)}>{config.clinic.phone}</a>
                </>
              ) : (
                ''
              )}
              。
            </p>
          ) : null}
          <button class="btn" type="submit" disabled={busy || locked || code.length !== 6}>
            {busy ? '驗證中…' : '確認綁定'}
          </button>
          <div class="row2">
            <button class="btn btn-ghost" type="button" onClick={() => setStep('phone')}>
              更改號碼
            </button>
            <button class="btn btn-ghost" type="button" disabled={wait > 0 || busy} onClick={() => void send()}>
              {wait > 0 ? `${wait} 秒後可重送` : '重新傳送'}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
