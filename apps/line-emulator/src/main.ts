// CLI: `npm run emulator` (EMULATOR_PORT, EMULATOR_HOST, EMULATOR_CHANNELS = JSON array or
// path to a JSON file, --channels <json|file>, --no-demo, --log).
import { existsSync, readFileSync } from 'node:fs';
import { demoChannel, startEmulator, type ChannelConfig } from './index.ts';

function fail(msg: string): never {
  process.stderr.write(`line-emulator: ${msg}\n`);
  process.exit(1);
}

function parseChannels(src: string, name: string): ChannelConfig[] {
  const text = existsSync(src) ? readFileSync(src, 'utf8') : src;
  try {
    const v = JSON.parse(text) as unknown;
    if (!Array.isArray(v)) fail(`${name} must be a JSON array of {channelId, channelSecret, webhookUrl}`);
    return v as ChannelConfig[];
  } catch {
    fail(`${name} is not valid JSON (or a path to a JSON file)`);
  }
}

const args = process.argv.slice(2);
const portText = process.env.EMULATOR_PORT ?? '4000';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`EMULATOR_PORT must be a port number, got "${portText}"`);
const channels: ChannelConfig[] = [];
if (!args.includes('--no-demo')) channels.push(demoChannel());
if (process.env.EMULATOR_CHANNELS) channels.push(...parseChannels(process.env.EMULATOR_CHANNELS, 'EMULATOR_CHANNELS'));
const i = args.indexOf('--channels');
if (i >= 0) channels.push(...parseChannels(args[i + 1] ?? '', '--channels'));

const emu = await startEmulator({
  port,
  host: process.env.EMULATOR_HOST ?? '0.0.0.0',
  channels,
  log: args.includes('--log'),
});
process.stdout.write(`LINE 平台模擬器 / LINE platform emulator: ${emu.url}  (phone page: ${emu.url}/)\n`);
for (const c of channels) process.stdout.write(`  channel ${c.channelId} → webhook ${c.webhookUrl ?? '(none)'}\n`);
const stop = () => {
  void emu.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
