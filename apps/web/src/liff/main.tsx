/** @jsxImportSource preact */
// Patient LIFF pages: bind, my appointments, family. Preact + hand-written CSS so the
// page stays small and fast on a phone. The server injects window.__CARELINE_LIFF__.
import { render } from 'preact';
import { App, Fatal } from './App.tsx';
import { createApi, type LiffConfig } from './api.ts';
import './liff.css';

type LiffSdk = {
  init(c: { liffId: string }): Promise<void>;
  isLoggedIn(): boolean;
  login(o?: { redirectUri?: string }): void;
  getIDToken(): string | null;
  closeWindow(): void;
  isInClient(): boolean;
};
declare global {
  interface Window {
    __CARELINE_LIFF__?: LiffConfig;
    liff?: LiffSdk;
  }
}

const root = document.getElementById('app')!;

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.async = true;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error('sdk'));
    document.head.appendChild(s);
  });
}

async function boot() {
  const config = window.__CARELINE_LIFF__;
  if (!config) {
    render(<Fatal title="找不到診所設定" text="請從診所的 LINE 官方帳號選單重新開啟這個頁面。" />, root);
    return;
  }
  document.title = `${config.clinic.name}｜預約查詢`;
  if (!config.liffId) {
    render(
      <Fatal
        title="診所尚未完成 LINE 設定"
        text="這個診所還沒有設定 LIFF，暫時無法在 LINE 中綁定或查詢預約。請直接來電詢問。"
        phone={config.clinic.phone}
      />,
      root,
    );
    return;
  }
  try {
    await loadScript(config.sdkUrl);
    const liff = window.liff!;
    await liff.init({ liffId: config.liffId });
    if (!liff.isLoggedIn()) {
      liff.login({ redirectUri: location.href });
      return;
    }
    const api = createApi(config.channelId, () => liff.getIDToken());
    render(<App config={config} api={api} close={() => liff.closeWindow()} />, root);
  } catch (err) {
    console.error('LIFF init failed', err);
    render(
      <Fatal
        title="無法連上 LINE"
        text="LINE 登入沒有完成，請關閉頁面後再從診所的選單開啟一次。"
        phone={config.clinic.phone}
      />,
      root,
    );
  }
}

void boot();
