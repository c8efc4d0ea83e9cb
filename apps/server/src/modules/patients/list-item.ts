// One patient as the back-office list shows it (also the sample of a segment preview).
import { labelOf } from '../status/lights.ts';
import { maskPhone } from './grams.ts';
import type { ListRow } from './search.repository.ts';

export type ListTag = { id: string; name: string; color: string; source: string };
export type ListFriend = { lineUserId: string; displayName: string; state: string };

export function toListItem(r: ListRow, tags: ListTag[], friends: ListFriend[]) {
  return {
    id: r.id,
    hisId: r.his_id,
    name: r.name,
    chartNo: r.chart_no,
    phoneMasked: maskPhone(r.phone_e164),
    birthDate: r.birth_date,
    gender: r.gender,
    source: r.source,
    line: { code: r.line_status, label: labelOf('line', r.line_status) ?? r.line_status, friends },
    lastVisitAt: r.last_visit_at,
    nextVisitAt: r.next_visit_at,
    tags,
  };
}
