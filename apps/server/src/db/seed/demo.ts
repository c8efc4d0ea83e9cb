// Seeds the demo clinic and the demo logins of CONTRACTS.md. Idempotent: a second run keeps
// earlier data. Refuses to run in production.
import { systemActor } from '../../platform/audit.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { apiKeyService } from '../../modules/api-keys/service.ts';
import { clinicService } from '../../modules/clinics/service.ts';
import { staffService } from '../../modules/staff/service.ts';
import type { Role } from '../../platform/auth.ts';

export const DEMO_CLINIC_ID = '00000000-0000-7000-8000-00000000d001';
export const DEMO_PASSWORD = 'careline-demo';
export const DEMO_HIS_KEY = 'demo-his-key';
export const DEMO_LOGINS: { email: string; name: string; role: Role }[] = [
  { email: 'admin@demo.careline.tw', name: '林雅婷', role: 'admin' },
  { email: 'desk@demo.careline.tw', name: '陳怡君', role: 'front_desk' },
  { email: 'doctor@demo.careline.tw', name: '張志明', role: 'doctor' },
  { email: 'operator@demo.careline.tw', name: 'Careline 營運', role: 'platform_operator' },
];

export async function seedDemo(deps: Deps): Promise<{ created: boolean }> {
  if (deps.config.nodeEnv === 'production') throw new Error('demo seeding refuses to run with NODE_ENV=production');
  const existing = await deps.db.selectFrom('clinics').select('id').where('id', '=', DEMO_CLINIC_ID).executeTakeFirst();
  if (!existing) {
    await clinicService(deps).create({
      id: DEMO_CLINIC_ID,
      name: '晴光牙醫診所',
      timeZone: 'Asia/Taipei',
      address: '台北市大安區復興南路一段 100 號 2 樓',
      phone: '02-2700-1234',
    });
  }
  const staff = staffService(deps);
  for (const u of DEMO_LOGINS) {
    const found = await deps.db.selectFrom('staff_users').select('id').where('email', '=', u.email).executeTakeFirst();
    if (!found) await staff.createWithPassword(u.role === 'platform_operator' ? null : DEMO_CLINIC_ID, { ...u, password: DEMO_PASSWORD });
  }
  const key = await deps.db.selectFrom('api_keys').select('id').where('key_hash', '=', sha256Hex(DEMO_HIS_KEY)).executeTakeFirst();
  if (!key) await apiKeyService(deps).create(DEMO_CLINIC_ID, '示範 HIS', systemActor, '127.0.0.1', DEMO_HIS_KEY);
  return { created: !existing };
}
