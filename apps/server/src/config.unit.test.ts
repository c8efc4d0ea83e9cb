import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const KEY = Buffer.alloc(32, 1).toString('base64');

describe('config', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig({ ENCRYPTION_KEY: KEY });
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: 'sqlite:./data/careline.db',
      lineApiBaseUrl: 'http://localhost:4000',
      publicBaseUrl: 'http://localhost:3000',
      smsProvider: 'emulator',
      workerNice: 10,
    });
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: unsupported database "mysql": use sqlite:<path> or postgres://…'],
    [{ ENCRYPTION_KEY: 'c2hvcnQ=' }, 'ENCRYPTION_KEY: must decode to 32 bytes, got 5'],
    [
      { ENCRYPTION_KEY: 'not base64!' },
      'ENCRYPTION_KEY: must be base64 (32 random bytes, e.g. `openssl rand -base64 32`)',
    ],
    [{ PORT: 'abc' }, 'PORT: must be a whole number, got "abc"'],
    [{ PORT: '70000' }, 'PORT: must be between 1 and 65535, got 70000'],
    [{ LINE_API_BASE_URL: 'ftp://x' }, 'LINE_API_BASE_URL: must be an http(s) URL, got "ftp://x"'],
    [
      { SMS_PROVIDER: 'carrier-pigeon' },
      'SMS_PROVIDER: must be one of emulator, mitake, every8d, none, got "carrier-pigeon"',
    ],
    [{ WORKER_NICE: '20' }, 'WORKER_NICE: must be between 0 and 19, got 20'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV: must be one of development, production, test, got "staging"'],
  ])('stops on a bad value with one line naming the variable (%j)', (env, message) => {
    expect(() => loadConfig({ ENCRYPTION_KEY: KEY, ...env })).toThrow(new ConfigError('x', 'y').constructor);
    expect(() => loadConfig({ ENCRYPTION_KEY: KEY, ...env })).toThrow(message);
  });

  it('requires an encryption key when none is supplied', () => {
    expect(() => loadConfig({})).toThrow(/^ENCRYPTION_KEY: is required/);
  });

  it('accepts postgres URLs', () => {
    expect(loadConfig({ ENCRYPTION_KEY: KEY, DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' }).databaseUrl).toBe(
      'postgres://u@127.0.0.1:5432/db',
    );
  });
});
