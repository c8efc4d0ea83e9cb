// One line per event, English, for operators: `<ISO time> <level> <message> key=value …`.
export type Logger = {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
};

function fmt(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[\s"=]/.test(s) ? JSON.stringify(s) : s;
}

export function createLogger(write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const line = (level: string, msg: string, fields: Record<string, unknown> = {}) => {
    const kv = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${fmt(v)}`)
      .join(' ');
    write(`${new Date().toISOString()} ${level.padEnd(5)} ${msg}${kv ? ' ' + kv : ''}\n`);
  };
  return {
    info: (m, f) => line('INFO', m, f),
    warn: (m, f) => line('WARN', m, f),
    error: (m, f) => line('ERROR', m, f),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
