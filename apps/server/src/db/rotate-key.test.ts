// `npm run rotate-key`: after ENCRYPTION_KEY moved on (the old one in ENCRYPTION_KEYS_OLD),
// every encrypted column — found by name, not by a list — is rewritten under the new key, the
// lookup hashes still match (LOOKUP_KEY keeps the old one), and a second run has nothing to do.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createCrypto } from '../platform/crypto.ts';
import { createTestApp, createTestClinic, type TestApp } from '../testing/helpers.ts';
import { encryptedColumns, rotateEncryptionKey } from './rotate-key.ts';

let t: TestApp;
afterAll(() => t?.close());

describe('rotating the encryption key', () => {
  it('rewrites every *_enc value under the new key; lookups keep working', { timeout: 120_000 }, async () => {
    const A = randomBytes(32);
    t = await createTestApp({ env: { ENCRYPTION_KEY: A.toString('base64') } });
    const clinic = await createTestClinic(t);
    const his = clinic.his(await clinic.apiKey());
    expect((await his.put('/his/v1/patients/P1', { name: '王小明', nationalId: 'A123456789' })).statusCode).toBe(201);
    expect((await his.put('/his/v1/webhook', { url: 'https://his.example.tw/hook' })).statusCode).toBeLessThan(300);

    const cols = (await encryptedColumns(t.deps)).map((c) => `${c.table}.${c.column}`);
    for (const c of ['patients.national_id_enc', 'webhook_endpoints.secret_enc', 'line_channels.access_token_enc'])
      expect(cols).toContain(c);

    const B = randomBytes(32);
    const rotated = createCrypto(B, { previous: [A], lookupKey: A });
    const report = await rotateEncryptionKey(t.deps, rotated, { batch: 1 });
    expect(report.unreadable).toEqual([]);
    expect(report.rewritten).toBeGreaterThanOrEqual(2);

    // only the new key is needed from now on
    const onlyB = createCrypto(B, { lookupKey: A });
    const db = t.deps.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    for (const c of cols) {
      const [table, column] = c.split('.');
      const rows = await db
        .selectFrom(table)
        .select(sql.ref(column).as('v'))
        .where(sql.ref(column), 'is not', null)
        .execute();
      for (const r of rows) expect(() => onlyB.decrypt(String(r.v))).not.toThrow();
    }
    const p = await t.deps.db
      .selectFrom('patients')
      .select(['national_id_enc', 'national_id_hash'])
      .where('clinic_id', '=', clinic.clinicId)
      .executeTakeFirstOrThrow();
    expect(onlyB.decrypt(p.national_id_enc!)).toBe('A123456789');
    expect(onlyB.lookupHash('A123456789')).toBe(p.national_id_hash);

    const again = await rotateEncryptionKey(t.deps, rotated);
    expect(again.rewritten).toBe(0);
    expect(again.current).toBe(report.rewritten + report.current);

    // a value no configured key opens is reported, not destroyed
    const stranger = createCrypto(randomBytes(32)).encrypt('x');
    await t.deps.db
      .updateTable('patients')
      .set({ national_id_enc: stranger })
      .where('clinic_id', '=', clinic.clinicId)
      .execute();
    const third = await rotateEncryptionKey(t.deps, rotated);
    expect(third.unreadable).toEqual([{ column: 'patients.national_id_enc', count: 1 }]);
  });
});
