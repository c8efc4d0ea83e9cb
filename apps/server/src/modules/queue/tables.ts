// Kysely table types of 看診進度: the clinic's notice settings, one queue per doctor, clinic date
// and session, the visits checked in to it, the notices sent to their patients (at most one
// near and one next per visit) and the HIS's queue events (once per event id).

export interface QueueSettingsTable {
  clinic_id: string;
  enabled: number;
  /** 「前面還有 N 位」 goes when at most this many numbers are ahead (and more than one). */
  near_threshold: number;
  updated_at: string;
}

export interface QueuesTable {
  id: string;
  clinic_id: string;
  doctor_id: string;
  /** The clinic's local date, YYYY-MM-DD. */
  date: string;
  /** morning | afternoon | evening (numbers restart each session). */
  session: string;
  room: string | null;
  /** The number now being called; null before the first call. */
  current_number: number | null;
  /** When the HIS called it (the event's occurredAt): an older call does not move the queue. */
  called_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface QueueVisitsTable {
  id: string;
  clinic_id: string;
  queue_id: string;
  appointment_id: string;
  patient_id: string;
  queue_number: number;
  /** The check-in event's occurredAt: an older check-in does not renumber the visit. */
  checked_in_at: string;
  /** When the queue first reached the visit's number (the call's occurredAt). */
  called_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface QueueNoticesTable {
  id: string;
  clinic_id: string;
  visit_id: string;
  /** near (前面還有 N 位) | next (請準備進診間) */
  kind: string;
  ahead: number;
  line_user_id: string;
  /** The HIS event that triggered it. */
  event_id: string;
  created_at: string;
}

export interface QueueEventsTable {
  id: string;
  clinic_id: string;
  event_id: string;
  /** check_in | call */
  type: string;
  occurred_at: string;
  queue_id: string;
  /** The request body as received (JSON), to tell a resend from a reused event id. */
  body: string;
  /** applied | stale (older than what the queue or visit already holds) */
  result: string;
  received_at: string;
}

export interface QueueTables {
  queue_settings: QueueSettingsTable;
  queues: QueuesTable;
  queue_visits: QueueVisitsTable;
  queue_notices: QueueNoticesTable;
  queue_events: QueueEventsTable;
}
