// Kysely table types of care plans (照護計畫): the plans, who is enrolled in which, and every
// step send as a row first.

export interface CarePlansTable {
  id: string;
  clinic_id: string;
  /** The shipped plan this row was seeded from (extraction, implant …); null for the clinic's own. */
  shipped_key: string | null;
  name: string;
  enabled: number;
  /** 1: removed by staff (kept so enrolments still name it; never seeded again). */
  archived: number;
  /** JSON PlanTrigger. */
  trigger: string;
  /** JSON PlanStep[] in order. */
  steps: string;
  version: number;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

export interface CareEnrolmentsTable {
  id: string;
  clinic_id: string;
  plan_id: string;
  /** The plan's name and steps when the patient was enrolled (a later edit applies to new enrolments). */
  plan_name: string;
  steps: string;
  patient_id: string;
  /** The visit that started it (Careline's appointment id); null for a tag or staff enrolment. */
  appointment_id: string | null;
  /** visit | tag | staff */
  source: string;
  /** Day 0 / hour 0 of the plan: the visit's start, or the enrolment time. */
  anchor_at: string;
  /** active | done | ended */
  status: string;
  /** patient_stop | blocked | staff | new_visit | plan_archived */
  end_reason: string | null;
  ended_at: string | null;
  ended_by: string | null;
  /** One enrolment per trigger (a visit, a tag on a day, a staff request). */
  idempotency_key: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface CareSendsTable {
  id: string;
  clinic_id: string;
  enrolment_id: string;
  patient_id: string;
  step_index: number;
  due_at: string;
  /** planned | sent | skipped | cancelled */
  status: string;
  /** Why skipped / cancelled, in zh-TW. */
  reason: string | null;
  /** X-Line-Retry-Key of the push (made when the row is written). */
  retry_key: string;
  line_user_id: string | null;
  sent_at: string | null;
  /** The quick reply the patient tapped (its label) and where it led: fine | worrying | call. */
  answer: string | null;
  answer_route: string | null;
  answered_at: string | null;
  follow_up_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface CarePlanTables {
  care_plans: CarePlansTable;
  care_enrolments: CareEnrolmentsTable;
  care_sends: CareSendsTable;
}
