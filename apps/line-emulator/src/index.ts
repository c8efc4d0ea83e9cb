import { buildApp, type AppOptions } from './app.ts';
import type { Store } from './store.ts';

export { buildApp } from './app.ts';
export type { AppOptions } from './app.ts';
export type { ChannelConfig, Faults, RateLimits, Plan } from './store.ts';
export { countSmsSegments } from './sms.ts';
export { sign as signWebhookBody } from './webhook.ts';

export type StartOptions = AppOptions & { port?: number; host?: string };
export type RunningEmulator = { url: string; port: number; store: Store; close: () => Promise<void> };

export const DEMO_CHANNEL_ID = '1000000001';
export const DEMO_CHANNEL_SECRET = 'demo-channel-secret';
export const DEMO_CHANNEL_ACCESS_TOKEN = 'demo-channel-access-token';

/** The demo clinic's channel, webhook from EMULATOR_DEMO_WEBHOOK_URL. */
export function demoChannel(
  webhookUrl = process.env.EMULATOR_DEMO_WEBHOOK_URL ?? `http://localhost:3000/line/webhook/${DEMO_CHANNEL_ID}`,
) {
  return {
    channelId: DEMO_CHANNEL_ID,
    channelSecret: DEMO_CHANNEL_SECRET,
    channelAccessToken: DEMO_CHANNEL_ACCESS_TOKEN,
    webhookUrl,
    displayName: '康健診所',
  };
}

/** Starts the emulator in-process (port 0 = a free port). */
export async function startEmulator(opts: StartOptions = {}): Promise<RunningEmulator> {
  const { app, store, close } = buildApp(opts);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${port}`, port, store, close };
}
