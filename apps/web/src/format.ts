import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';
import relativeTime from 'dayjs/plugin/relativeTime.js';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import 'dayjs/locale/zh-tw.js';

dayjs.extend(customParseFormat);
dayjs.extend(relativeTime);
dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.locale('zh-tw');

export { dayjs };

/** 2026/05/04 09:30 (the browser's time zone) */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = dayjs(iso);
  return d.isValid() ? d.format('YYYY/MM/DD HH:mm') : '—';
}

/** 2026/05/04 09:30 in an IANA time zone (the clinic's); the browser's own while the zone is unknown. */
export function formatDateTimeIn(iso: string | null | undefined, zone: string | undefined): string {
  if (!iso) return '—';
  const d = dayjs(iso);
  if (!d.isValid()) return '—';
  return (zone ? d.tz(zone) : d).format('YYYY/MM/DD HH:mm');
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = dayjs(iso);
  return d.isValid() ? d.format('YYYY/MM/DD') : '—';
}

/** 「3 小時前」 */
export function fromNow(iso: string | null | undefined): string {
  if (!iso) return '';
  return dayjs(iso).fromNow();
}

export const WEEKDAY_LABELS = ['週日', '週一', '週二', '週三', '週四', '週五', '週六'];
