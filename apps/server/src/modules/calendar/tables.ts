// Kysely table types of the working-day calendar (migration 0030_reminders.ts).

export interface CalendarImportsTable {
  /** '' = platform-wide (imported by a platform operator), else the clinic id. */
  scope: string;
  year: number;
  days: number;
  /** JSON CalendarEntry[] (days differing from the weekend pattern, plus named weekend days). */
  entries: string;
  imported_by: string;
  imported_at: string;
}

export interface ClinicCalendarOverridesTable {
  id: string;
  clinic_id: string;
  date: string;
  kind: string;
  note: string;
  created_by: string;
  created_at: string;
}

export interface CalendarTables {
  calendar_imports: CalendarImportsTable;
  clinic_calendar_overrides: ClinicCalendarOverridesTable;
}
