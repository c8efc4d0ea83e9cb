// Freed slots offered to the waitlist (缺額回收): when a known visit still ahead is cancelled or
// moved, the slot it left is offered in LINE to the matching waitlisted patients in waves
// (default 5 patients every 5 minutes), first come first served on the waitlist. The first to
// tap 「我要這個時段」 gets it — one conditional update of the slot decides, so two taps at the
// same instant give one winner — and their request goes to the HIS through the booking module
// (source 'waitlist'); those who had the offer and did not answer are told it is taken.
//
// Rules (docs/architecture.md "Waitlist"):
// - A slot row first (unique per appointment version: a retried outcome job makes none more),
//   with its first wave job in the same transaction. Each wave claims its number on the slot
//   (waves = n - 1 → n) before writing its offer rows and pushes, so a retried wave sends nothing
//   twice; offer rows are unique per slot and patient, and each push's retry key is the offer's.
// - A patient with an offer still open is not offered another slot until it is answered or
//   closed: a day of cancellations (a doctor's leave) must not flood one phone.
// - Offers stop OFFER_CLOSE_MINUTES before the slot (the patient must still get there); a slot
//   nobody matches is `no_match`, one still open when offers stop is `expired`.
// - Quiet hours: a wave due inside them waits for their end (and is dropped when that is past
//   the close). An offer is ESSENTIAL (the patient asked for it by joining the waitlist, and a
//   wave sends at most wave-size pushes): it is not held back by the non-essential cap. The
//   「已被預約」 notice is NOT essential: it goes only while the month's non-essential budget
//   lasts (reminders/quota.ts), otherwise the patient learns it from the free reply when tapping.
import { Type } from 'typebox';
import { recordAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { defineJob, enqueueJob, wakeWorkers } from '../../platform/jobs.ts';
import { localParts, WEEKDAY_ZH } from '../../platform/time.ts';
import type { OutcomeHook } from '../appointments/outcome.ts';
import { appointmentsByIds } from '../appointments/service.ts';
import { bindingsOfPatients } from '../binding/for-patients.ts';
import { clinicService } from '../clinics/service.ts';
import { doctorById } from '../doctors/service.ts';
import { respond, type EventContext } from '../line/events.ts';
import { queuePush, retryKeyOf } from '../line/push.ts';
import { patientsByIds } from '../patients/service.ts';
import { nonEssentialBudget } from '../reminders/quota.ts';
import { sendableAt, sendWindowOf } from '../reminders/send-window.ts';
import { createBookingRequest } from '../booking/service.ts';
import {
  DEFAULT_SLOT_MINUTES,
  OFFER_CLOSE_MINUTES,
  OFFER_REPLIES,
  offerMessage,
  slotText,
  TAKEN_NOTICE,
} from './messages.ts';
import { waitlistRepository, type SlotRow } from './repository.ts';
import { timeOfDayOf, waitlistSettings } from './service.ts';

export const WAVE_JOB = defineJob({
  type: 'waitlist.wave',
  payload: Type.Object({ slotId: Type.String(), wave: Type.Number() }),
  defaults: { maxAttempts: 8 },
  handler: async (job, deps) => {
    if (job.clinicId) await runWave(deps, job.clinicId, job.payload.slotId, job.payload.wave);
  },
});
export const CLOSE_JOB = defineJob({
  type: 'waitlist.close',
  payload: Type.Object({ slotId: Type.String() }),
  handler: async (job, deps) => {
    if (job.clinicId) await closeSlot(deps, job.clinicId, job.payload.slotId);
  },
});
export const TAKEN_JOB = defineJob({
  type: 'waitlist.taken',
  payload: Type.Object({ slotId: Type.String() }),
  defaults: { maxAttempts: 8 },
  handler: async (job, deps) => {
    if (job.clinicId) await tellTaken(deps, job.clinicId, job.payload.slotId);
  },
});

/**
 * The appointments outcome hook: a known visit still ahead cancelled or moved frees a slot — its
 * row and first wave. Idempotent: a retried outcome finds the slot of the same version.
 */
export const waitlistOnOutcome: OutcomeHook = async (deps, clinicId, o) => {
  if (o.previousStatus === null) return;
  const moved = typeof o.previousStartsAt === 'string';
  const cancelled = o.status === 'cancelled' && o.previousStatus !== 'cancelled';
  if (!moved && !cancelled) return;
  // A cancelled visit that was already checked in or seen frees nothing ahead.
  if (cancelled && o.previousStatus !== 'booked') return;
  const startsAt = moved ? o.previousStartsAt! : o.startsAt;
  const now = deps.clock.now();
  const closesAt = new Date(Date.parse(startsAt) - OFFER_CLOSE_MINUTES * 60_000);
  if (closesAt.getTime() <= now.getTime()) return;
  const settings = await waitlistSettings(deps, clinicId);
  if (!settings.enabled) return;
  const repo = waitlistRepository(deps.db);
  const key = `${o.appointmentId}:${o.version}`;
  if (await repo.slotByKey(clinicId, key)) return;
  const [visit] = await appointmentsByIds(deps, clinicId, [o.appointmentId]);
  const minutes = visit?.duration_minutes ?? DEFAULT_SLOT_MINUTES;
  const id = newId();
  const at = now.toISOString();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await waitlistRepository(trx).insertSlot({
        id,
        clinic_id: clinicId,
        appointment_id: o.appointmentId,
        source_key: key,
        reason: moved ? 'moved' : 'cancelled',
        doctor_id: o.doctorId,
        visit_type: o.visitType,
        starts_at: startsAt,
        ends_at: new Date(Date.parse(startsAt) + minutes * 60_000).toISOString(),
        status: 'offering',
        waves: 0,
        offers_sent: 0,
        closes_at: closesAt.toISOString(),
        freed_at: at,
        filled_at: null,
        filled_offer_id: null,
        filled_patient_id: null,
        booking_request_id: null,
        failure: null,
        created_at: at,
        updated_at: at,
      });
      await enqueueJob(
        trx,
        deps.clock,
        WAVE_JOB,
        { slotId: id, wave: 1 },
        {
          clinicId,
          idempotencyKey: `waitlist-wave:${id}:1`,
        },
      );
      await enqueueJob(
        trx,
        deps.clock,
        CLOSE_JOB,
        { slotId: id },
        {
          clinicId,
          runAt: closesAt,
          idempotencyKey: `waitlist-close:${id}`,
        },
      );
    });
  } catch (err) {
    if (await repo.slotByKey(clinicId, key)) return; // a retry won the race
    throw err;
  }
  wakeWorkers();
};

/** One wave: the next matching patients get the offer; the next wave is planned while any are left. */
export async function runWave(deps: Deps, clinicId: string, slotId: string, wave: number): Promise<void> {
  const repo = waitlistRepository(deps.db);
  const slot = await repo.slot(clinicId, slotId);
  if (!slot || slot.status !== 'offering' || slot.waves >= wave) return;
  const now = deps.clock.now();
  if (Date.parse(slot.closes_at) <= now.getTime()) return closeSlot(deps, clinicId, slotId);
  // Quiet hours: the wave waits for their end, unless offers have closed by then.
  const window = await sendWindowOf(deps, clinicId);
  const sendAt = sendableAt(window, now);
  if (sendAt.getTime() > now.getTime()) {
    if (sendAt.getTime() >= Date.parse(slot.closes_at)) return; // the close job ends it
    await enqueueJob(
      deps.db,
      deps.clock,
      WAVE_JOB,
      { slotId, wave },
      {
        clinicId,
        runAt: sendAt,
        idempotencyKey: `waitlist-wave:${slotId}:${wave}:${sendAt.toISOString()}`,
      },
    );
    return;
  }
  const settings = await waitlistSettings(deps, clinicId);
  const tz = window.timeZone;
  const local = localParts(new Date(slot.starts_at), tz);
  const match = {
    slotId,
    doctorId: slot.doctor_id,
    date: local.date,
    timeOfDay: timeOfDayOf(local.time),
    excludePatientId: await freedBy(deps, clinicId, slot),
  };
  const found = await repo.candidates(clinicId, { ...match, limit: settings.waveSize * 4, skipBusy: true });
  // One offer per patient (two entries of one patient match once), to a LINE user who still follows.
  const bindings = await bindingsOfPatients(deps.db, clinicId, [...new Set(found.map((e) => e.patient_id))]);
  const picked: { entryId: string; patientId: string; lineUserId: string }[] = [];
  for (const e of found) {
    if (picked.length >= settings.waveSize) break;
    if (picked.some((p) => p.patientId === e.patient_id)) continue;
    const friends = (bindings.get(e.patient_id) ?? []).filter((b) => b.state === 'friend');
    const to = friends.find((b) => b.lineUserId === e.line_user_id) ?? friends[0];
    if (to) picked.push({ entryId: e.id, patientId: e.patient_id, lineUserId: to.lineUserId });
  }
  if (!picked.length) {
    // Patients who match but hold another open offer: ask again after the interval.
    const busy = await repo.candidates(clinicId, { ...match, limit: 1, skipBusy: false });
    const again = new Date(now.getTime() + settings.waveMinutes * 60_000);
    if (busy.length && again.getTime() < Date.parse(slot.closes_at)) {
      await enqueueJob(
        deps.db,
        deps.clock,
        WAVE_JOB,
        { slotId, wave },
        {
          clinicId,
          runAt: again,
          idempotencyKey: `waitlist-wave:${slotId}:${wave}:${again.toISOString()}`,
        },
      );
      return;
    }
    // Nobody (more) to ask: a slot never offered to anyone matched nobody; others stay open.
    if (Number(slot.offers_sent) === 0)
      await repo.moveSlot(clinicId, slotId, ['offering'], { status: 'no_match', updated_at: now.toISOString() });
    return;
  }
  const [doctor, patients] = await Promise.all([
    doctorById(deps.db, clinicId, slot.doctor_id),
    patientsByIds(
      deps.db,
      clinicId,
      picked.map((p) => p.patientId),
    ),
  ]);
  const names = new Map(patients.map((p) => [p.id, p.name]));
  const [, m, d] = local.date.split('-').map(Number);
  const at = now.toISOString();
  const offers = picked.map((p) => ({
    id: newId(),
    clinic_id: clinicId,
    slot_id: slotId,
    entry_id: p.entryId,
    patient_id: p.patientId,
    line_user_id: p.lineUserId,
    wave,
    status: 'sent',
    notice: null,
    sent_at: at,
    answered_at: null,
    created_at: at,
    updated_at: at,
  }));
  await deps.db.transaction().execute(async (trx) => {
    const tx = waitlistRepository(trx);
    if (!(await tx.claimWave(clinicId, slotId, wave, at))) return;
    await tx.insertOffers(offers);
    await tx.addOffersSent(clinicId, slotId, offers.length);
    for (const o of offers)
      await queuePush(
        trx,
        deps,
        clinicId,
        {
          to: o.line_user_id,
          messages: [
            offerMessage(o.id, {
              patientName: names.get(o.patient_id) ?? '',
              date: `${m}月${d}日（${WEEKDAY_ZH[local.weekday]}）`,
              time: local.time,
              doctorName: doctor?.name ?? '',
              visitType: slot.visit_type,
            }),
          ],
          source: 'waitlist.offer',
          relatedType: 'waitlist_slot',
          relatedId: slotId,
        },
        retryKeyOf(`waitlist-offer:${clinicId}:${o.id}`),
      );
    const next = new Date(now.getTime() + settings.waveMinutes * 60_000);
    if (next.getTime() < Date.parse(slot.closes_at))
      await enqueueJob(
        trx,
        deps.clock,
        WAVE_JOB,
        { slotId, wave: wave + 1 },
        {
          clinicId,
          runAt: next,
          idempotencyKey: `waitlist-wave:${slotId}:${wave + 1}`,
        },
      );
  });
  wakeWorkers();
}

/** The patient whose visit freed the slot (they are not offered their own slot back). */
async function freedBy(deps: Deps, clinicId: string, slot: SlotRow): Promise<string> {
  const [visit] = await appointmentsByIds(deps, clinicId, [slot.appointment_id]);
  return visit?.patient_id ?? '';
}

/** Offers stop: an open slot expires and its unanswered offers with it. */
export async function closeSlot(deps: Deps, clinicId: string, slotId: string): Promise<void> {
  const at = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const tx = waitlistRepository(trx);
    if (!(await tx.moveSlot(clinicId, slotId, ['offering'], { status: 'expired', updated_at: at }))) return;
    await tx.closeOpenOffers(clinicId, slotId, 'expired', at);
  });
}

/** The 「已被預約」 notice to the offers left unanswered (non-essential: within the month's budget). */
export async function tellTaken(deps: Deps, clinicId: string, slotId: string): Promise<void> {
  const repo = waitlistRepository(deps.db);
  const slot = await repo.slot(clinicId, slotId);
  if (!slot) return;
  const at = deps.clock.now().toISOString();
  const offers = (await repo.offersOfSlots(clinicId, [slotId])).filter((o) => o.status === 'taken' && !o.notice);
  if (!offers.length) return;
  const tz = await clinicService(deps).timeZoneOf(clinicId);
  const doctor = await doctorById(deps.db, clinicId, slot.doctor_id);
  const what = slotText(slot.starts_at, tz, doctor?.name ?? '');
  let budget = await nonEssentialBudget(deps, clinicId);
  const tooLate = Date.parse(slot.starts_at) <= deps.clock.now().getTime();
  for (const o of offers) {
    const send = !tooLate && (budget === null || budget > 0);
    await deps.db.transaction().execute(async (trx) => {
      await waitlistRepository(trx).setNotice(clinicId, [o.id], send ? 'sent' : 'skipped', at);
      if (send)
        await queuePush(
          trx,
          deps,
          clinicId,
          {
            to: o.line_user_id,
            messages: [{ type: 'text', text: TAKEN_NOTICE(what) }],
            source: 'waitlist.taken',
            relatedType: 'waitlist_slot',
            relatedId: slotId,
          },
          retryKeyOf(`waitlist-taken:${clinicId}:${o.id}`),
        );
    });
    if (send && budget !== null) budget--;
  }
  wakeWorkers();
}

/**
 * A tap on an offer (only the LINE user it went to counts). 「我要這個時段」: the first tap of any
 * offer of the slot takes it — one conditional update of the slot — then asks the booking module
 * for the visit; a later tap is told it is taken. Returns the words to answer with.
 */
export async function answerOffer(
  deps: Deps,
  clinicId: string,
  offerId: string,
  lineUserId: string,
  answer: 'take' | 'decline',
): Promise<string> {
  const repo = waitlistRepository(deps.db);
  const offer = await repo.offer(clinicId, offerId);
  if (!offer || offer.line_user_id !== lineUserId) return OFFER_REPLIES.unknown;
  const slot = await repo.slot(clinicId, offer.slot_id);
  if (!slot) return OFFER_REPLIES.unknown;
  const at = deps.clock.now().toISOString();
  const tz = await clinicService(deps).timeZoneOf(clinicId);
  const what = async () =>
    slotText(slot.starts_at, tz, (await doctorById(deps.db, clinicId, slot.doctor_id))?.name ?? '');
  if (offer.status === 'accepted') return book(deps, clinicId, slot.id, await what());
  if (answer === 'decline') {
    await repo.moveOffer(clinicId, offerId, ['sent'], { status: 'declined', answered_at: at, updated_at: at });
    return slot.status === 'filled' ? OFFER_REPLIES.taken : OFFER_REPLIES.declined;
  }
  if (offer.status !== 'sent' && offer.status !== 'declined') {
    return offer.status === 'taken' ? OFFER_REPLIES.taken : OFFER_REPLIES.closed;
  }
  const won = await deps.db.transaction().execute(async (trx) => {
    const tx = waitlistRepository(trx);
    if (Date.parse(slot.closes_at) <= deps.clock.now().getTime()) return false;
    const took = await tx.moveSlot(clinicId, slot.id, ['offering'], {
      status: 'filled',
      filled_at: at,
      filled_offer_id: offer.id,
      filled_patient_id: offer.patient_id,
      updated_at: at,
    });
    if (!took) return false;
    await tx.moveOffer(clinicId, offer.id, ['sent', 'declined'], {
      status: 'accepted',
      answered_at: at,
      updated_at: at,
    });
    await tx.moveEntry(clinicId, offer.entry_id, ['waiting'], { status: 'booked', slot_id: slot.id, updated_at: at });
    await tx.closeOpenOffers(clinicId, slot.id, 'taken', at);
    await enqueueJob(
      trx,
      deps.clock,
      TAKEN_JOB,
      { slotId: slot.id },
      {
        clinicId,
        runAt: sendableAt(await sendWindowOf({ ...deps, db: trx }, clinicId), deps.clock.now()),
        idempotencyKey: `waitlist-taken:${slot.id}`,
      },
    );
    await recordAudit(trx, deps.clock, {
      clinicId,
      actor: { type: 'patient', id: lineUserId, label: '病患本人（LINE）' },
      action: 'waitlist.slot_taken',
      entityType: 'waitlist_slot',
      entityId: slot.id,
      detail: { offerId: offer.id, patientId: offer.patient_id },
    });
    return true;
  });
  if (!won) {
    const now = await repo.slot(clinicId, slot.id);
    if (now?.status === 'filled' || now?.status === 'failed') {
      await repo.moveOffer(clinicId, offerId, ['sent', 'declined'], {
        status: 'taken',
        answered_at: at,
        updated_at: at,
      });
      return OFFER_REPLIES.taken;
    }
    await repo.moveOffer(clinicId, offerId, ['sent', 'declined'], {
      status: 'expired',
      answered_at: at,
      updated_at: at,
    });
    return OFFER_REPLIES.closed;
  }
  wakeWorkers();
  return book(deps, clinicId, slot.id, await what());
}

/**
 * The winner's request to the HIS (booking module, source 'waitlist', the slot's id as the
 * idempotency key: a retried tap or event asks once). A refusal (the slot booked meanwhile by
 * other means) puts the patient back on the waitlist and records why.
 */
async function book(deps: Deps, clinicId: string, slotId: string, what: string): Promise<string> {
  const repo = waitlistRepository(deps.db);
  const slot = await repo.slot(clinicId, slotId);
  if (!slot || !slot.filled_offer_id) return OFFER_REPLIES.unknown;
  if (slot.status === 'failed') return OFFER_REPLIES.failed(slot.failure ?? '');
  if (slot.booking_request_id) return OFFER_REPLIES.won(what);
  const offer = await repo.offer(clinicId, slot.filled_offer_id);
  const entry = offer ? await repo.entry(clinicId, offer.entry_id) : undefined;
  if (!offer || !entry) return OFFER_REPLIES.unknown;
  const r = await createBookingRequest(deps, clinicId, {
    patientId: offer.patient_id,
    doctorId: slot.doctor_id,
    visitType: entry.visit_type ?? slot.visit_type,
    startsAt: new Date(slot.starts_at),
    endsAt: new Date(slot.ends_at),
    source: 'waitlist',
    lineUserId: offer.line_user_id,
    idempotencyKey: `waitlist:${slot.id}`,
  });
  const at = deps.clock.now().toISOString();
  if (r.ok) {
    await repo.setSlot(clinicId, slot.id, { booking_request_id: r.requestId, updated_at: at });
    return OFFER_REPLIES.won(what);
  }
  await deps.db.transaction().execute(async (trx) => {
    const tx = waitlistRepository(trx);
    await tx.setSlot(clinicId, slot.id, { status: 'failed', failure: r.message, updated_at: at });
    await tx.moveEntry(clinicId, entry.id, ['booked'], { status: 'waiting', slot_id: null, updated_at: at });
  });
  return OFFER_REPLIES.failed(r.message);
}

/** onPostback hook: `wl=<offerId>:take|decline`. */
export async function onWaitlistPostback(ctx: EventContext, data: string): Promise<boolean> {
  const m = /^wl=([^:]+):(take|decline)$/.exec(data);
  if (!m) return false;
  const text = await answerOffer(ctx.deps, ctx.clinicId, m[1], ctx.lineUserId, m[2] as 'take' | 'decline');
  await respond(ctx, [{ type: 'text', text }], 'answer.waitlist');
  return true;
}

export const waitlistJobs = [WAVE_JOB, CLOSE_JOB, TAKEN_JOB];
