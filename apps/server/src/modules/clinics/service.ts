// Clinics are the tenants. Staff read and (admins) edit their own clinic; platform
// operators list them (onboarding.ts creates a clinic with its first admin).
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { clinicRepository, type ClinicRow } from './repository.ts';

export type BusinessHour = { weekday: number; open: string; close: string };

export const DEFAULT_BUSINESS_HOURS: BusinessHour[] = [1, 2, 3, 4, 5, 6].flatMap((d) => [
  { weekday: d, open: '09:00', close: '12:00' },
  { weekday: d, open: '14:00', close: '17:30' },
  ...(d <= 5 ? [{ weekday: d, open: '18:30', close: '21:00' }] : []),
]);

const ZONES = new Set(Intl.supportedValuesOf('timeZone').concat(['UTC']));

export function toClinic(r: ClinicRow) {
  return {
    id: r.id,
    name: r.name,
    timeZone: r.time_zone,
    address: r.address,
    phone: r.phone,
    businessHours: JSON.parse(r.business_hours) as BusinessHour[],
    status: r.status,
    isSandbox: r.sandbox_of !== null,
    createdAt: r.created_at,
  };
}

function checkHours(hours: BusinessHour[] | undefined) {
  if (!hours) return;
  const bad = hours.findIndex((h) => h.open >= h.close);
  if (bad >= 0)
    throw errors.validation([{ field: `businessHours.${bad}`, code: 'range', message: '結束時間必須晚於開始時間' }]);
}

function checkZone(tz: string | undefined) {
  if (tz !== undefined && !ZONES.has(tz))
    throw errors.validation([
      { field: 'timeZone', code: 'time_zone', message: '不是有效的時區名稱（例如 Asia/Taipei）' },
    ]);
}

export function clinicService(deps: Deps) {
  const repo = clinicRepository(deps.db);
  return {
    async get(clinicId: string) {
      const r = await repo.get(clinicId);
      if (!r) throw errors.notFound('診所');
      return toClinic(r);
    },

    /** The clinic, or null when there is none with this id. */
    async find(clinicId: string) {
      const r = await repo.get(clinicId);
      return r ? toClinic(r) : null;
    },

    /** The clinic's IANA time zone (a light read for code that needs nothing else). */
    async timeZoneOf(clinicId: string): Promise<string> {
      const r = await repo.timeZone(clinicId);
      if (!r) throw errors.notFound('診所');
      return r.time_zone;
    },

    /** Every active clinic's id, sandboxes included (work done for all clinics at once). */
    activeIds: async () => (await repo.activeIds()).map((r) => r.id),

    /** The id of the clinic's sandbox, or null when it has none yet. */
    sandboxOf: async (clinicId: string) => (await repo.sandboxOf(clinicId))?.id ?? null,

    async create(input: {
      name: string;
      timeZone?: string;
      address?: string;
      phone?: string;
      businessHours?: BusinessHour[];
      id?: string;
      sandboxOf?: string | null;
    }) {
      checkZone(input.timeZone);
      checkHours(input.businessHours);
      const t = deps.clock.now().toISOString();
      const row: ClinicRow = {
        id: input.id ?? newId(),
        name: input.name.trim(),
        time_zone: input.timeZone ?? 'Asia/Taipei',
        address: input.address ?? '',
        phone: input.phone ?? '',
        business_hours: JSON.stringify(input.businessHours ?? DEFAULT_BUSINESS_HOURS),
        status: 'active',
        sandbox_of: input.sandboxOf ?? null,
        created_at: t,
        updated_at: t,
      };
      await repo.insert(row);
      return toClinic(row);
    },

    async update(
      clinicId: string,
      patch: { name?: string; timeZone?: string; address?: string; phone?: string; businessHours?: BusinessHour[] },
      actor: Actor,
      ip: string,
    ) {
      checkZone(patch.timeZone);
      checkHours(patch.businessHours);
      const before = await this.get(clinicId);
      await repo.update(clinicId, {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.timeZone !== undefined ? { time_zone: patch.timeZone } : {}),
        ...(patch.address !== undefined ? { address: patch.address } : {}),
        ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
        ...(patch.businessHours !== undefined ? { business_hours: JSON.stringify(patch.businessHours) } : {}),
        updated_at: deps.clock.now().toISOString(),
      });
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'clinic.updated',
        entityType: 'clinic',
        entityId: clinicId,
        detail: { before: { name: before.name, timeZone: before.timeZone }, change: patch },
        ip,
      });
      return this.get(clinicId);
    },

    list: async () => (await repo.list()).map(toClinic),
  };
}
