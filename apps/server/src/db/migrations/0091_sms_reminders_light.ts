import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// A reminder that went out by SMS left the appointment's reply light at 尚未提醒 (only LINE
// reminders moved it to 尚未回覆). Appointments in that state get the light they should have
// had, with the change in the lights feed (for the HIS's resync) and in their history.
const m: Migration = {
  version: 91,
  name: 'sms_reminders_light',
  async up(db: Kysely<any>, _dialect: Dialect) {
    const now = new Date().toISOString();
    const stuck = sql`a.reply_status = 'not_sent' and exists (select 1 from reminder_deliveries rd
      where rd.clinic_id = a.clinic_id and rd.appointment_id = a.id and rd.state = 'sent' and rd.channel = 'sms')`;
    const reason = '已送出提醒（簡訊）';
    await sql`insert into status_changes (clinic_id, subject, subject_id, subject_his_id, patient_his_id, light,
        from_value, to_value, source, actor_label, reason, created_at)
      select a.clinic_id, 'appointment', a.id, a.his_id, p.his_id, 'reply', 'not_sent', 'awaiting_reply', 'system',
        '看診提醒', ${reason}, ${now}
      from appointments a join patients p on p.id = a.patient_id
      where ${stuck}
      order by a.clinic_id, a.starts_at`.execute(db);
    await sql`insert into appointment_history (clinic_id, appointment_id, version, source, actor_type, actor_id,
        actor_label, old_status, new_status, changed_fields, changes, reason, created_at)
      select a.clinic_id, a.id, a.version, 'system', 'system', null, '看診提醒', a.status, a.status, ${'["reply"]'},
        ${'[{"field":"reply","from":"not_sent","to":"awaiting_reply"}]'}, ${reason}, ${now}
      from appointments a
      where ${stuck}`.execute(db);
    await sql`update appointments set reply_status = 'awaiting_reply', reply_status_at = ${now}
      where reply_status = 'not_sent' and exists (select 1 from reminder_deliveries rd
        where rd.clinic_id = appointments.clinic_id and rd.appointment_id = appointments.id and rd.state = 'sent'
          and rd.channel = 'sms')`.execute(db);
  },
};
export default m;
