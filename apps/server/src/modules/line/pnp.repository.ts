// SQL of LINE notification messages on the line module's tables: the channel's on/off switch
// and the count of messages sent that way (billed apart from the month's pushes).
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export function linePnpRepository(db: Kysely<DB>) {
  return {
    /** The switch of the clinic's channel; undefined without a channel. */
    enabled: async (clinicId: string): Promise<boolean | undefined> => {
      const r = await db
        .selectFrom('line_channels')
        .select('pnp_enabled')
        .where('clinic_id', '=', clinicId)
        .executeTakeFirst();
      return r ? Number(r.pnp_enabled) === 1 : undefined;
    },
    /** Sets the switch; returns whether the clinic has a channel (a row changed). */
    setEnabled: async (clinicId: string, enabled: boolean, at: string): Promise<boolean> =>
      Number(
        (
          await db
            .updateTable('line_channels')
            .set({ pnp_enabled: enabled ? 1 : 0, updated_at: at })
            .where('clinic_id', '=', clinicId)
            .executeTakeFirst()
        ).numUpdatedRows,
      ) > 0,
    /** LINE notification messages logged since an instant. */
    countSent: async (clinicId: string, since: string): Promise<number> =>
      Number(
        (
          await db
            .selectFrom('line_messages')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('method', '=', 'pnp')
            .where('created_at', '>=', since)
            .executeTakeFirst()
        )?.n ?? 0,
      ),
  };
}
