// Every migration, in order. Add new ones at the end; never edit one that has shipped.
import type { Migration } from '../migrate.ts';
import m0001 from './0001_foundation.ts';
import m0002 from './0002_his.ts';
import m0010 from './0010_line.ts';
import m0020 from './0020_binding.ts';
import m0030 from './0030_reminders.ts';
import m0031 from './0031_reminders_claim.ts';
import m0040 from './0040_frontdesk.ts';
import m0050 from './0050_patients_list.ts';
import m0051 from './0051_patient_search_indexes.ts';
import m0052 from './0052_patients_id_cover.ts';
import m0053 from './0053_patient_visit_summary.ts';
import m0060 from './0060_patient_name_stroke_order.ts';
import m0070 from './0070_reminder_resends.ts';
import m0080 from './0080_line_conversations.ts';
import m0081 from './0081_family_offers.ts';
import m0090 from './0090_his_initial_sync.ts';
import m0091 from './0091_sms_reminders_light.ts';
import m0110 from './0110_job_priority.ts';
import m0111 from './0111_line_message_method.ts';
import m0150 from './0150_reminder_log_prices.ts';
import m0160 from './0160_reminder_family.ts';
import m0170 from './0170_line_pnp.ts';
import m0171 from './0171_reminder_pnp.ts';
import m0180 from './0180_line_inbox.ts';
import m0190 from './0190_faq.ts';
import m0200 from './0200_cases.ts';
import m0210 from './0210_reminder_text.ts';
import m0211 from './0211_line_messages_by_time.ts';
import m0212 from './0212_jobs_ordering_status.ts';
import m0220 from './0220_appointment_treatment_codes.ts';
import m0221 from './0221_care_plans.ts';
import m0230 from './0230_care_library.ts';
import m0235 from './0235_follow_ups.ts';
import m0236 from './0236_no_show_line_user.ts';
import m0240 from './0240_broadcasts.ts';
import m0241 from './0241_broadcast_recipient_indexes.ts';
import m0250 from './0250_satisfaction.ts';
import m0260 from './0260_questionnaires.ts';
import m0261 from './0261_google_reviews.ts';
import m0270 from './0270_reports.ts';
import m0271 from './0271_reports_refills.ts';
import m0280 from './0280_booking.ts';
import m0290 from './0290_waitlist.ts';
import m0295 from './0295_queue.ts';
import m0300 from './0300_data_exports.ts';
import m0310 from './0310_two_factor.ts';
import m0340 from './0340_line_webhook_check.ts';
import m0341 from './0341_reminder_deliveries_by_user.ts';
import m0355 from './0355_booking_request_recall.ts';

export const migrations: Migration[] = [
  m0001,
  m0002,
  m0010,
  m0020,
  m0030,
  m0031,
  m0040,
  m0050,
  m0051,
  m0052,
  m0053,
  m0060,
  m0070,
  m0080,
  m0081,
  m0090,
  m0091,
  m0110,
  m0111,
  m0150,
  m0160,
  m0170,
  m0171,
  m0180,
  m0190,
  m0200,
  m0210,
  m0211,
  m0212,
  m0220,
  m0221,
  m0230,
  m0235,
  m0236,
  m0240,
  m0241,
  m0250,
  m0260,
  m0261,
  m0270,
  m0271,
  m0280,
  m0290,
  m0295,
  m0300,
  m0310,
  m0340,
  m0341,
  m0355,
];
