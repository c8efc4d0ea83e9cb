// Kysely table types. Each module declares its own tables next to its code and adds them here.
import type { FoundationTables } from './tables.ts';
import type { HisTables } from '../modules/his/tables.ts';
import type { LineTables } from '../modules/line/tables.ts';
import type { BindingTables } from '../modules/binding/tables.ts';
import type { SmsTables } from '../modules/sms/tables.ts';
import type { RichMenuTables } from '../modules/rich-menus/tables.ts';
import type { AutoReplyTables } from '../modules/auto-replies/tables.ts';
import type { TaskTables } from '../modules/tasks/tables.ts';
import type { ReminderTables } from '../modules/reminders/tables.ts';
import type { PatientListTables } from '../modules/patient-list/tables.ts';
import type { FrontdeskTables } from '../modules/frontdesk/tables.ts';

export interface DB
  extends
    FoundationTables,
    HisTables,
    LineTables,
    BindingTables,
    SmsTables,
    RichMenuTables,
    AutoReplyTables,
    TaskTables,
    ReminderTables,
    FrontdeskTables,
    PatientListTables {}
