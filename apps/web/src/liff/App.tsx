/** @jsxImportSource preact */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Api, LiffConfig, Me, Member } from './api.ts';
import { AppointmentsPage } from './Appointments.tsx';
import { BindPage } from './Bind.tsx';
import { ComplaintPage } from './Complaint.tsx';
import { SurveyPage } from './Survey.tsx';
import { QuestionnairePage } from './Questionnaire.tsx';
import { QueuePage } from './Queue.tsx';
import { WaitlistPage } from './Waitlist.tsx';
import { BookPage } from './Book.tsx';
import type { Page, Toast } from './shell.ts';

const PAGES: { id: Page; label: string }[] = [
  { id: 'appointments', label: '我的預約' },
  { id: 'book', label: '線上預約' },
  { id: 'family', label: '家人' },
  { id: 'waitlist', label: '候補' },
  { id: 'bind', label: '帳號綁定' },
];

/** The page named by the path after /liff/<channelId>/ (or LINE's `liff.state`). */
function pageFromLocation(channelId: string): Page {
  const state = new URLSearchParams(location.search).get('liff.state');
  const path = state ?? location.pathname.split(`/liff/${channelId}`)[1] ?? '';
  const seg = path.replace(/^\/+/, '').split(/[/?#]/)[0];
  const pages: Page[] = [
    'appointments',
    'family',
    'bind',
    'complaint',
    'survey',
    'questionnaire',
    'queue',
    'waitlist',
    'book',
  ];
  return pages.includes(seg as Page) ? (seg as Page) : 'appointments';
}
const pathFor = (channelId: string, p: Page) => `/liff/${channelId}/${p}`;

export function Header({ name, sub }: { name: string; sub: string }) {
  return (
    <header class="top">
      <div class="top-title">{name}</div>
      <div class="top-sub">{sub}</div>
    </header>
  );
}

export function Fatal({ title, text, phone }: { title: string; text: string; phone?: string }) {
  return (
    <>
      <Header name={window.__CARELINE_LIFF__?.clinic.name ?? '診所'} sub="LINE 預約服務" />
      <main class="main">
        <section class="panel center" role="alert">
          <div class="big-icon warn" aria-hidden="true">
            !
          </div>
          <h1 class="h1">{title}</h1>
          <p class="muted">{text}</p>
          {phone ? (
            <a class="btn btn-outline" href={`tel:${phone.replace(/[^\d+]/g, '')}`}>
              撥打診所電話 {phone}
            </a>
          ) : null}
        </section>
      </main>
    </>
  );
}

export function App({ config, api, close }: { config: LiffConfig; api: Api; close: () => void }) {
  const [page, setPage] = useState<Page>(() => pageFromLocation(config.channelId));
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [toast, setToast] = useState<{ text: string; kind: 'ok' | 'err'; n: number } | null>(null);
  // Opened on a list page: ask for the appointments together with /me (one round trip less).
  const prefetch = useRef<Promise<{ members: Member[] }> | null>(
    page === 'bind' ||
      page === 'complaint' ||
      page === 'survey' ||
      page === 'questionnaire' ||
      page === 'queue' ||
      page === 'waitlist' ||
      page === 'book'
      ? null
      : api.appointments().catch(() => ({ members: [] })),
  );
  const takePrefetch = () => {
    const p = prefetch.current;
    prefetch.current = null;
    return p;
  };

  const loadMe = useCallback(() => {
    setError(null);
    api.me().then(setMe, (e: Error) => setError(e.message));
  }, [api]);
  useEffect(loadMe, [loadMe]);
  useEffect(() => {
    const onPop = () => setPage(pageFromLocation(config.channelId));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, [config.channelId]);
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), 3200);
    return () => clearTimeout(t);
  }, [toast]);

  const go = (p: Page) => {
    if (p !== page) history.pushState(null, '', pathFor(config.channelId, p));
    setPage(p);
    scrollTo(0, 0);
  };
  const showToast: Toast = (text, kind = 'ok') => setToast({ text, kind, n: Date.now() });

  const sub = me?.bound ? `${me.lineUser.displayName} 您好` : 'LINE 預約服務';
  return (
    <>
      <Header name={config.clinic.name} sub={me ? sub : ' '} />
      {page === 'complaint' || page === 'survey' || page === 'questionnaire' || page === 'queue' ? null : (
        <nav class="tabs" aria-label="頁面">
          {PAGES.map((p) => (
            <a
              key={p.id}
              class={`tab${p.id === page ? ' on' : ''}`}
              href={pathFor(config.channelId, p.id)}
              aria-current={p.id === page ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go(p.id);
              }}
            >
              {p.label}
            </a>
          ))}
        </nav>
      )}
      <main class="main">
        {error ? (
          <section class="panel center" role="alert">
            <h1 class="h1">暫時無法載入</h1>
            <p class="muted">{error}</p>
            <button class="btn" type="button" onClick={loadMe}>
              重新整理
            </button>
          </section>
        ) : !me ? (
          <div aria-busy="true" aria-label="載入中">
            <div class="sk sk-title" />
            <div class="sk sk-card" />
            <div class="sk sk-card" />
          </div>
        ) : page === 'complaint' ? (
          <ComplaintPage api={api} toast={showToast} close={close} />
        ) : page === 'survey' ? (
          <SurveyPage api={api} toast={showToast} close={close} />
        ) : page === 'questionnaire' ? (
          <QuestionnairePage api={api} toast={showToast} close={close} />
        ) : page === 'queue' ? (
          <QueuePage api={api} me={me} go={go} />
        ) : page === 'book' ? (
          <BookPage api={api} me={me} toast={showToast} go={go} />
        ) : page === 'waitlist' ? (
          <WaitlistPage api={api} toast={showToast} bind={() => go('bind')} />
        ) : page === 'bind' ? (
          <BindPage
            api={api}
            me={me}
            config={config}
            onBound={() => {
              prefetch.current = null;
              loadMe();
            }}
            setMe={setMe}
            go={go}
            close={close}
            toast={showToast}
          />
        ) : (
          <AppointmentsPage
            key={page}
            api={api}
            me={me}
            config={config}
            family={page === 'family'}
            go={go}
            toast={showToast}
            prefetched={takePrefetch}
          />
        )}
      </main>
      <div class="toast-slot" aria-live="polite">
        {toast ? (
          <div key={toast.n} class={`toast ${toast.kind}`} role={toast.kind === 'err' ? 'alert' : 'status'}>
            {toast.text}
          </div>
        ) : null}
      </div>
    </>
  );
}
