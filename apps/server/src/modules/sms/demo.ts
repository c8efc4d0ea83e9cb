// The demo clinic's SMS of the past (npm run demo): reminders that went by SMS before the patient
// bound LINE, written as the delivery log shows sent messages (parts, points = parts, delivered
// or failed), with the timestamps of the past and never sent. Synthetic (modules/reminders/demo.ts).
import { writeTransaction } from '../../db/write-transaction.ts';
import type { Deps } from '../../platform/deps.ts';
import { countSmsSegments, maskPhone } from '../../platform/sms.ts';
import { smsDemoRepository } from './demo.repository.ts';

export type DemoSms = {
  id: string;
  to: string;
  text: string;
  purpose: string;
  relatedType: string;
  relatedId: string;
  at: string;
  /** Why the carrier did not deliver it (null: delivered). */
  error: string | null;
};

export async function recordDemoSms(deps: Deps, clinicId: string, rows: DemoSms[]): Promise<void> {
  const now = deps.clock.now().toISOString();
  await writeTransaction(deps.db, deps.dialect, (trx) =>
    smsDemoRepository(trx).insert(
      rows.map((r) => {
        const seg = countSmsSegments(r.text);
        const done = new Date(Date.parse(r.at) + 6_000).toISOString();
        return {
          id: r.id,
          clinic_id: clinicId,
          to_masked: maskPhone(r.to),
          to_hash: deps.crypto.lookupHash(r.to),
          purpose: r.purpose,
          provider: deps.config.smsProvider,
          chars: r.text.length,
          encoding: seg.encoding,
          segments: seg.segments,
          cost: seg.segments,
          status: r.error ? 'failed' : 'delivered',
          idempotency_key: r.id,
          provider_message_id: `demo-${r.id.slice(0, 8)}`,
          error: r.error,
          delivery_status: r.error ? `undelivered:${r.error}`.slice(0, 60) : 'delivered:4',
          delivered_at: r.error ? null : done,
          related_type: r.relatedType,
          related_id: r.relatedId,
          created_at: r.at,
          updated_at: r.at < now ? done : now,
        };
      }),
    ),
  );
}
