// Reminder rules, templates and planning. Planning turns each (appointment, rule) into one
// reminder_deliveries row with its due time and explanation, unique on (appointment, rule,
// appointment version); it runs in the `reminders.plan` job (enqueued in the same
// transaction as the HIS appointment upsert) and in `reminders.replan_clinic` (rules,
// templates, closures or the calendar changed). Superseded planned rows are cancelled, never
// deleted; sent rows are kept.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { defineJob, enqueueJobs, type Job } from '../../platform/jobs.ts';
import {
  appointmentsToRemind,
  bookedAppointmentIdsAfter,
  type AppointmentToRemind,
} from '../appointments/for-reminders.ts';
import { enqueueClinicReplan, loadClinicCalendar } from '../calendar/service.ts';
import { planReminders, type PlannedReminder } from './planner.ts';
import { checkSettings, defaultSettings, explainRule, normalizeSettings, type ReminderSettings } from './rules.ts';
import { reminderRepository } from './repository.ts';
import type { ReminderDeliveriesTable } from './tables.ts';
import { overrideDoctorNames, withUsage } from './template-usage.ts';
import {
  BUILT_IN_TEMPLATES,
  checkTemplate,
  normalizeBody,
  templateProblemsError,
  type Template,
  type TemplateBody,
} from './templates.ts';

/** Plans one appointment's reminders (one job per appointment version). */
export const PLAN_JOB = defineJob({
  type: 'reminders.plan',
  defaults: { priority: 'bulk' },
  payload: Type.Object({ appointmentId: Type.String() }),
  handler: planJob,
});
type Db = Kysely<DB> | Transaction<DB>;
/** The rules as saved: the preparation notes may be left out (then they stay as stored). */
type RulesInput = Omit<ReminderSettings, 'preparations'> & { preparations?: ReminderSettings['preparations'] };
/** A template body as sent: without a date style it reads as 西元. */
export type TemplateInput = Omit<TemplateBody, 'dateStyle'> & { dateStyle?: TemplateBody['dateStyle'] };

export async function loadSettings(db: Db, clinicId: string): Promise<ReminderSettings> {
  const row = await reminderRepository(db).settings(clinicId);
  return row ? { ...defaultSettings(), ...(JSON.parse(row.settings) as ReminderSettings) } : defaultSettings();
}

/** When and by whom the clinic's reminder rules were last saved; null while they are the defaults. */
export async function rulesSaved(db: Db, clinicId: string): Promise<{ at: string; by: string } | null> {
  const row = await reminderRepository(db).settingsSaved(clinicId);
  return row ? { at: row.updated_at, by: row.updated_by } : null;
}

export async function loadTemplates(db: Db, clinicId: string): Promise<Template[]> {
  const rows = await reminderRepository(db).templates(clinicId);
  const stored = rows.map((r) => ({
    id: r.id,
    name: r.name,
    body: normalizeBody(JSON.parse(r.body) as TemplateBody),
    builtIn: BUILT_IN_TEMPLATES.some((b) => b.id === r.id),
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  }));
  return [...BUILT_IN_TEMPLATES.filter((b) => !stored.some((s) => s.id === b.id)), ...stored].sort((a, b) =>
    a.id.localeCompare(b.id),
  );
}

/**
 * Locks the clinic's settings document for the caller's transaction (FOR UPDATE on PostgreSQL;
 * SQLite serialises writers), creating it with the defaults when missing, and reads it.
 */
export async function lockedSettings(trx: Db, deps: Deps, clinicId: string, actor: Actor): Promise<ReminderSettings> {
  const repo = reminderRepository(trx);
  await repo.insertSettingsIfMissing({
    clinic_id: clinicId,
    settings: JSON.stringify(defaultSettings()),
    updated_by: actor.label,
    updated_at: deps.clock.now().toISOString(),
  });
  const row = await repo.settingsLocked(clinicId, deps.dialect);
  return { ...defaultSettings(), ...(JSON.parse(row!.settings) as ReminderSettings) };
}

/** Enqueues the planning of appointments in the caller's transaction (one job per appointment version). */
export async function enqueuePlanJobs(
  trx: Db,
  deps: Deps,
  clinicId: string,
  items: { appointmentId: string; version: number }[],
): Promise<void> {
  if (!items.length) return;
  // One lock order for concurrent writers.
  items = [...items].sort((x, y) => (x.appointmentId < y.appointmentId ? -1 : 1));
  await enqueueJobs(
    trx,
    deps.clock,
    PLAN_JOB,
    items.map((it) => ({
      payload: { appointmentId: it.appointmentId },
      opts: {
        clinicId,
        idempotencyKey: `${PLAN_JOB.type}:${it.appointmentId}:${it.version}`,
        orderingKey: `reminders-plan:${it.appointmentId}`,
      },
    })),
  );
}

type Calendar = Awaited<ReturnType<typeof loadClinicCalendar>>;

/**
 * The rules' plan of one appointment given its stored rule rows (not resends): rows sent or
 * being sent tell the planner which rules have already gone out for which visit time. Used by
 * planning itself and by the calendar-change dry run, so both plan the same way.
 */
export function planFromRows(
  a: AppointmentToRemind,
  ruleRows: Pick<ReminderDeliveriesTable, 'rule_id' | 'state' | 'visit_starts_at'>[],
  settings: ReminderSettings,
  cal: Calendar,
  now: Date,
): PlannedReminder[] {
  return planReminders({
    appointment: {
      startsAt: a.starts_at,
      bookedAt: a.booked_at ?? a.created_at,
      bookingMessage: Number(a.booking_message) === 1,
      status: a.status,
      visitType: a.visit_type,
      doctorId: a.doctor?.hisId ?? null,
      doctorName: a.doctor?.name || null,
    },
    rules: settings,
    clinicCalendar: cal.calendar,
    timeZone: cal.timeZone,
    now,
    sent: ruleRows
      .filter((r) => r.state === 'sent' || r.state === 'sending')
      .map((r) => ({ ruleId: r.rule_id, startsAt: r.visit_starts_at })),
  });
}

/** Plans (or replans) one appointment. Returns the rows of its current version. */
export async function planAppointment(
  deps: Deps,
  clinicId: string,
  appointmentId: string,
  ctx?: { settings: ReminderSettings; cal: Calendar },
): Promise<void> {
  const settings = ctx?.settings ?? (await loadSettings(deps.db, clinicId));
  const cal = ctx?.cal ?? (await loadClinicCalendar(deps, clinicId));
  await deps.db.transaction().execute(async (trx) => {
    const [a] = await appointmentsToRemind(trx, clinicId, [appointmentId]);
    if (!a) return;
    const now = deps.clock.now();
    const nowIso = now.toISOString();
    const version = Number(a.version);
    const repo = reminderRepository(trx);
    const rows = await repo.ofAppointment(clinicId, appointmentId);
    const cancel = (ids: string[], reason: string) => repo.cancelUnsent(clinicId, ids, reason, nowIso);
    const STATUS_REASON: Record<string, string> = {
      cancelled: '預約已取消',
      checked_in: '已報到',
      completed: '已完成看診',
      no_show: '未到診',
    };
    if (a.status !== 'booked') {
      await cancel(
        rows.filter((r) => r.state === 'planned' || r.state === 'skipped').map((r) => r.id),
        `${STATUS_REASON[a.status] ?? a.status}，不再提醒`,
      );
      return;
    }
    await cancel(
      rows
        .filter((r) => Number(r.appointment_version) < version && (r.state === 'planned' || r.state === 'skipped'))
        .map((r) => r.id),
      `預約已更新（第 ${version} 版），改用新的排程`,
    );
    // Resends (requested_by set) are not the rules' rows: replanning neither reuses nor
    // retires them, only cancels them with the rest when the appointment changes.
    const planned = rows.filter((r) => r.requested_by === null);
    const plan = planFromRows(a, planned, settings, cal, now);
    const current = new Map(
      planned.filter((r) => Number(r.appointment_version) === version).map((r) => [r.rule_id, r]),
    );
    for (const p of plan) {
      const existing = current.get(p.ruleId);
      current.delete(p.ruleId);
      if (!existing) {
        const row: ReminderDeliveriesTable = {
          id: newId(),
          clinic_id: clinicId,
          appointment_id: appointmentId,
          rule_id: p.ruleId,
          rule_name: p.ruleName,
          appointment_version: version,
          visit_starts_at: a.starts_at,
          due_at: p.dueAt,
          explanation: p.explanation,
          state: p.skipped ? 'skipped' : 'planned',
          essential: p.essential ? 1 : 0,
          template_id: p.templateId,
          channel: null,
          retry_key: randomUUID(),
          attempts: 0,
          next_attempt_at: p.dueAt,
          locked_by: null,
          locked_until: null,
          last_error: null,
          line_user_id: null,
          line_request_id: null,
          sms_message_id: null,
          sent_at: null,
          delivered_at: null,
          channel_reason: null,
          cancel_reason: null,
          requested_by: null,
          family_group_id: null,
          family_size: null,
          created_at: nowIso,
          updated_at: nowIso,
        };
        await repo.insertOnce(row);
        continue;
      }
      // Sending, sent and failed rows are history.
      if (existing.state !== 'planned' && existing.state !== 'skipped' && existing.state !== 'cancelled') continue;
      if (existing.state === 'planned' && p.reason === 'past') continue; // due, not yet sent: keep it
      if (
        existing.state === 'planned' &&
        existing.due_at === p.dueAt &&
        existing.template_id === p.templateId &&
        !p.skipped
      )
        continue;
      await repo.replan(clinicId, existing.id, {
        due_at: p.dueAt,
        next_attempt_at: p.dueAt,
        explanation: p.explanation,
        state: p.skipped ? 'skipped' : 'planned',
        template_id: p.templateId,
        essential: p.essential ? 1 : 0,
        rule_name: p.ruleName,
        cancel_reason: null,
        updated_at: nowIso,
      });
    }
    await cancel(
      [...current.values()].map((r) => r.id),
      '提醒規則已停用或刪除',
    );
  });
}

async function planJob(job: Job<{ appointmentId: string }>, deps: Deps): Promise<void> {
  if (!job.clinicId) return;
  await planAppointment(deps, job.clinicId, job.payload.appointmentId);
}

/** Replans every future booked appointment of the clinic (rules, templates, closures or calendar changed). */
export async function replanClinicJob(job: Job<{ why: string }>, deps: Deps): Promise<void> {
  const clinicId = job.clinicId;
  if (!clinicId) return;
  const settings = await loadSettings(deps.db, clinicId);
  const cal = await loadClinicCalendar(deps, clinicId);
  const ids = await bookedAppointmentIdsAfter(deps.db, clinicId, deps.clock.now().toISOString());
  for (const id of ids) await planAppointment(deps, clinicId, id, { settings, cal });
}

export function reminderService(deps: Deps) {
  const db = deps.db;
  const repo = reminderRepository(db);
  const now = () => deps.clock.now().toISOString();
  const view = (s: ReminderSettings) => ({
    ...s,
    rules: s.rules.map((r) => ({ ...r, explanation: explainRule(r, s) })),
  });
  return {
    async getRules(clinicId: string) {
      return view(await loadSettings(db, clinicId));
    },
    async putRules(clinicId: string, input: RulesInput, actor: Actor, ip: string) {
      // Under the settings row lock: a note saved meanwhile (PUT /preparations) or a template
      // deleted meanwhile is seen here, never overwritten or referenced after its deletion.
      const s = await db.transaction().execute(async (trx) => {
        const current = await lockedSettings(trx, deps, clinicId, actor);
        // Omitted: the preparation notes stay as stored (they are edited one visit type at a time apart).
        const s = normalizeSettings({ ...input, preparations: input.preparations ?? current.preparations });
        const d = checkSettings(
          s,
          (await loadTemplates(trx, clinicId)).map((t) => t.id),
        );
        if (d.length) throw errors.validation(d, '提醒規則有誤，未儲存');
        await reminderRepository(trx).saveSettings({
          clinic_id: clinicId,
          settings: JSON.stringify(s),
          updated_by: actor.label,
          updated_at: now(),
        });
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'reminders.rules_saved',
          entityType: 'reminder_rules',
          ip,
          detail: { rules: s.rules.length, overrides: s.overrides.length },
        });
        return s;
      });
      await enqueueClinicReplan(deps, clinicId, 'rules');
      return view(s);
    },
    async listTemplates(clinicId: string) {
      const settings = await loadSettings(db, clinicId);
      return withUsage(await loadTemplates(db, clinicId), settings, await overrideDoctorNames(db, clinicId, settings));
    },
    async getTemplate(clinicId: string, id: string) {
      const t = (await this.listTemplates(clinicId)).find((x) => x.id === id);
      if (!t) throw errors.notFound('訊息範本');
      return t;
    },
    async putTemplate(
      clinicId: string,
      id: string,
      input: { name: string; body: TemplateInput },
      actor: Actor,
      ip: string,
    ) {
      const body = { ...input.body, dateStyle: input.body.dateStyle ?? 'western' };
      const d = checkTemplate(body, deps.crypto);
      if (d.length) {
        const e = templateProblemsError(d);
        throw new AppError(e.code, 422, e.message, d);
      }
      await repo.saveTemplate({
        clinic_id: clinicId,
        id,
        name: input.name.trim(),
        body: JSON.stringify(body),
        updated_by: actor.label,
        updated_at: now(),
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'reminders.template_saved',
        entityType: 'reminder_template',
        entityId: id,
        ip,
      });
      return this.getTemplate(clinicId, id);
    },
  };
}
