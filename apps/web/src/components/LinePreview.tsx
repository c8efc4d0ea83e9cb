// A LINE chat screen in miniature: the clinic's reply as a text bubble or a Flex message
// (rendered by @careline/flex-renderer, the same renderer as the emulator's phone page).
import { flexCss, renderFlexToHtml } from '@careline/flex-renderer';
import { useMemo, type ReactNode } from 'react';

const CHAT_BG = '#8caad0';

export function LinePhoneFrame({
  title,
  children,
  footer,
  minHeight = 300,
}: {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
  minHeight?: number;
}) {
  return (
    <div
      style={{
        width: 340,
        maxWidth: '100%',
        borderRadius: 28,
        border: '8px solid #1f1f1f',
        overflow: 'hidden',
        background: CHAT_BG,
        boxShadow: '0 8px 24px rgba(0,0,0,.18)',
      }}
    >
      <div style={{ background: '#243447', color: '#fff', padding: '10px 14px', fontWeight: 600, fontSize: 14 }}>
        {title}
      </div>
      <div style={{ minHeight, maxHeight: 520, overflow: 'auto', padding: 12 }}>{children}</div>
      {footer}
    </div>
  );
}

export function UserBubble({ text }: { text: string }) {
  return (
    <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 10 }}>
      <div
        style={{
          background: '#06c755',
          color: '#fff',
          padding: '8px 12px',
          borderRadius: '18px 4px 18px 18px',
          maxWidth: '75%',
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-word',
          fontSize: 14,
        }}
      >
        {text}
      </div>
    </div>
  );
}

/** A message from the clinic: its avatar, then the bubble. */
export function BotRow({ children }: { children: ReactNode }) {
  return (
    <div style={{ display: 'flex', gap: 8, alignItems: 'flex-start', marginBottom: 10 }}>
      <div
        aria-hidden
        style={{
          width: 32,
          height: 32,
          borderRadius: '50%',
          background: '#fff',
          flex: 'none',
          display: 'grid',
          placeItems: 'center',
          fontSize: 13,
          color: '#06c755',
          fontWeight: 700,
        }}
      >
        診
      </div>
      {children}
    </div>
  );
}

export function BotText({ text }: { text: string }) {
  return (
    <BotRow>
      <div
        style={{
          background: '#fff',
          color: '#111',
          padding: '8px 12px',
          borderRadius: '4px 18px 18px 18px',
          maxWidth: '78%',
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-word',
          fontSize: 14,
        }}
      >
        {text || '（空白）'}
      </div>
    </BotRow>
  );
}

export function BotFlex({ contents }: { contents: unknown }) {
  const html = useMemo(() => {
    try {
      return renderFlexToHtml(contents, { actions: false });
    } catch {
      return '';
    }
  }, [contents]);
  return (
    <BotRow>
      <style>{flexCss}</style>
      {html ? (
        <div style={{ minWidth: 0, maxWidth: 280 }} dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <BotText text="（Flex 內容無法顯示：需要 type 為 bubble 或 carousel）" />
      )}
    </BotRow>
  );
}
