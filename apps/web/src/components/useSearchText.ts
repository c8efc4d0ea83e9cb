// The text of a search box whose query lives in the URL (`?q=`). The box holds the user's text and
// the URL follows it on Enter. The router applies a new URL in a transition, so a stale q that
// arrives after the user typed on must not overwrite their text: only a q the box did not send
// itself (back/forward, a saved filter) replaces it.
import { useEffect, useRef, useState } from 'react';

export function useSearchText(q: string | undefined, send: (q: string | undefined) => void) {
  const [text, setText] = useState(q ?? '');
  const sent = useRef(q);
  useEffect(() => {
    if (q !== sent.current) setText(q ?? '');
    sent.current = q;
  }, [q]);
  return {
    text,
    setText,
    /** Sends the trimmed text (none when empty) to the URL. */
    search: (value: string) => {
      const next = value.trim() || undefined;
      sent.current = next;
      send(next);
    },
  };
}
