// A LINE notification message that LINE has not reported delivered an hour after it was sent
// (the patient has not agreed to receive them yet, has not confirmed the number by SMS, or
// blocked the account: LINE accepts the request and holds or drops the message, docs/taiwan.md)
// is followed by the reminder's SMS where the clinic allows SMS, so the patient is not left
// without a reminder. The check is a job the dispatcher enqueues when it sends one.
import { Type } from 'typebox';
import type { Deps } from '../../platform/deps.ts';
import { defineJob, enqueueJob, jobType } from '../../platform/jobs.ts';
import { localParts } from '../../platform/time.ts';
import { appointmentsToRemind } from '../appointments/for-reminders.ts';
import { clinicService } from '../clinics/service.ts';
import { queueSms, smsService } from '../sms/service.ts';
import { reminderPnpRepository } from './pnp.repository.ts';
import { reminderRepository } from './repository.ts';
import { loadSettings } from './service.ts';
import { dateVars, smsReminderText } from './templates.ts';

/** How long LINE gets to report a LINE notification message delivered before the SMS follows. */
export const PNP_WAIT_MS = 3_600_000;
export const PNP_UNDELIVERED = 'LINE 通知訊息 1 小時內未送達（病患可能尚未同意接收），改傳簡訊';
const PNP_UNDELIVERED_NO_SMS = 'LINE 通知訊息 1 小時內未送達（病患可能尚未同意接收），且未啟用簡訊備援';

const PNP_CHECK = jobType({
  type: 'reminders.pnp_check',
  payload: Type.Object({ deliveryId: Type.String() }),
  defaults: { priority: 'normal', maxAttempts: 5 },
});

/** Schedules the check of a reminder sent as a LINE notification message (in the caller's transaction). */
export function schedulePnpCheck(deps: Deps, clinicId: string, deliveryId: string): Promise<number> {
  return enqueueJob(
    deps.db,
    deps.clock,
    PNP_CHECK,
    { deliveryId },
    {
      clinicId,
      idempotencyKey: `reminders.pnp_check:${deliveryId}`,
      runAt: new Date(deps.clock.now().getTime() + PNP_WAIT_MS),
    },
  );
}

export const PNP_CHECK_JOB = defineJob({
  ...PNP_CHECK,
  async handler(job, deps) {
    const clinicId = job.clinicId;
    if (!clinicId) return;
    const row = await reminderRepository(deps.db).delivery(clinicId, job.payload.deliveryId);
    if (!row || row.state !== 'sent' || row.channel !== 'pnp' || row.delivered_at) return;
    const [a] = await appointmentsToRemind(deps.db, clinicId, [row.appointment_id]);
    const now = deps.clock.now();
    // A visit that changed, was cancelled or has begun needs no reminder any more.
    if (
      !a?.patient ||
      a.status !== 'booked' ||
      Number(a.version) !== Number(row.appointment_version) ||
      a.starts_at <= now.toISOString()
    )
      return;
    const [settings, sms, clinic] = await Promise.all([
      loadSettings(deps.db, clinicId),
      smsService(deps).fallbackSettings(clinicId),
      clinicService(deps).get(clinicId),
    ]);
    const at = now.toISOString();
    const phone = a.patient.phoneIsMobile ? a.patient.phoneE164 : null;
    const allowed =
      settings.smsFallback &&
      sms.reminderFallback &&
      (sms.provider === 'default' ? deps.config.smsProvider : sms.provider) !== 'none';
    if (!allowed || !phone) {
      await reminderPnpRepository(deps.db).setReason(clinicId, row.id, PNP_UNDELIVERED_NO_SMS, at);
      return;
    }
    const l = localParts(new Date(a.starts_at), clinic.timeZone);
    const text = smsReminderText({
      patientName: a.patient.name,
      doctorName: a.doctor?.name ?? '',
      ...dateVars(l.date, 'western'),
      time: l.time,
      clinicName: clinic.name,
      clinicAddress: clinic.address,
      clinicPhone: clinic.phone,
      mapUrl: '',
      preparation: '',
    });
    await deps.db.transaction().execute(async (trx) => {
      const repo = reminderPnpRepository(trx);
      // The delivery event may have arrived meanwhile: then the row stays as it is.
      if (!(await repo.moveToSms(clinicId, row.id, PNP_UNDELIVERED, at))) return;
      const queued = await queueSms(
        trx,
        { ...deps, db: trx },
        {
          clinicId,
          to: phone,
          text,
          purpose: 'reminder',
          relatedType: 'reminder_delivery',
          relatedId: row.id,
        },
      );
      await repo.setSmsMessage(clinicId, row.id, queued.id);
    });
  },
});
