// What the LIFF shell (App.tsx) hands to its pages; kept apart so the pages need not import
// the shell that imports them.

export type Page =
  'appointments' | 'family' | 'bind' | 'complaint' | 'survey' | 'questionnaire' | 'queue' | 'waitlist' | 'book';

/** Shows a short message at the bottom of the screen. */
export type Toast = (text: string, kind?: 'ok' | 'err') => void;
