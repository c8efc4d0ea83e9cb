// Kysely table types. Each module declares its own tables next to its code and adds them here.
import type { FoundationTables } from './tables.ts';
import type { AppointmentTables } from '../modules/appointments/tables.ts';
import type { CalendarFeedTables } from '../modules/calendar-feeds/tables.ts';
import type { DoctorTables } from '../modules/doctors/tables.ts';
import type { HisTables } from '../modules/his/tables.ts';
import type { PatientTables } from '../modules/patients/tables.ts';
import type { StatusTables } from '../modules/status/tables.ts';
import type { WebhookTables } from '../modules/webhooks/tables.ts';
import type { ClinicTables } from '../modules/clinics/tables.ts';
import type { StaffTables } from '../modules/staff/tables.ts';
import type { ApiKeyTables } from '../modules/api-keys/tables.ts';
import type { LineTables } from '../modules/line/tables.ts';
import type { BindingTables } from '../modules/binding/tables.ts';
import type { SmsTables } from '../modules/sms/tables.ts';
import type { RichMenuTables } from '../modules/rich-menus/tables.ts';
import type { AutoReplyTables } from '../modules/auto-replies/tables.ts';
import type { TaskTables } from '../modules/tasks/tables.ts';
import type { ReminderTables } from '../modules/reminders/tables.ts';
import type { CalendarTables } from '../modules/calendar/tables.ts';
import type { TagTables } from '../modules/tags/tables.ts';
import type { RecallTables } from '../modules/recalls/tables.ts';
import type { ReminderTextTables } from '../modules/reminder-text/tables.ts';
import type { FaqTables } from '../modules/faq/tables.ts';
import type { CaseTables } from '../modules/cases/tables.ts';
import type { FollowUpTables } from '../modules/follow-ups/tables.ts';
import type { CareLibraryTables } from '../modules/care-library/tables.ts';
import type { BroadcastTables } from '../modules/broadcasts/tables.ts';
import type { SatisfactionTables } from '../modules/satisfaction/tables.ts';
import type { BookingTables } from '../modules/booking/tables.ts';
import type { CarePlanTables } from '../modules/care-plans/tables.ts';
import type { QuestionnaireTables } from '../modules/questionnaires/tables.ts';
import type { GoogleReviewTables } from '../modules/google-reviews/tables.ts';
import type { QueueTables } from '../modules/queue/tables.ts';
import type { ExportTables } from '../modules/export/tables.ts';
import type { WaitlistTables } from '../modules/waitlist/tables.ts';
import type { ReportTables } from '../modules/reports/tables.ts';
import type { TwoFactorTables } from '../modules/two-factor/tables.ts';

export interface DB
  extends
    FoundationTables,
    ClinicTables,
    StaffTables,
    ApiKeyTables,
    AppointmentTables,
    CalendarFeedTables,
    DoctorTables,
    HisTables,
    PatientTables,
    StatusTables,
    WebhookTables,
    LineTables,
    BindingTables,
    SmsTables,
    RichMenuTables,
    AutoReplyTables,
    TaskTables,
    ReminderTables,
    CalendarTables,
    TagTables,
    RecallTables,
    ReminderTextTables,
    FaqTables,
    CaseTables,
    FollowUpTables,
    CareLibraryTables,
    BroadcastTables,
    SatisfactionTables,
    CarePlanTables,
    QuestionnaireTables,
    GoogleReviewTables,
    BookingTables,
    QueueTables,
    ExportTables,
    WaitlistTables,
    ReportTables,
    TwoFactorTables {}
