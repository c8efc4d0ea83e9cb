// Opening a clinic (platform operators): the clinic and an invitation link for its first admin.
// Apart from the clinic service because it composes the clinics and staff services, and the
// staff service reads clinics (a session's clinic name).
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { staffService } from '../staff/service.ts';
import { clinicService } from './service.ts';

export type NewClinic = {
  name: string;
  timeZone?: string;
  address?: string;
  phone?: string;
  adminEmail: string;
  adminName: string;
};

export async function openClinic(deps: Deps, input: NewClinic, actor: Actor, ip: string) {
  const clinic = await clinicService(deps).create(input);
  const invite = await staffService(deps).invite(
    clinic.id,
    { email: input.adminEmail, name: input.adminName, role: 'admin' },
    actor,
    ip,
  );
  await recordAudit(deps.db, deps.clock, {
    clinicId: clinic.id,
    actor,
    action: 'clinic.created',
    entityType: 'clinic',
    entityId: clinic.id,
    ip,
  });
  return { clinic, adminInviteLink: invite.link };
}
