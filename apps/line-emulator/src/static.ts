// The phone page, its browser modules, the Flex renderer (TypeScript stripped on the fly)
// and the LIFF SDK shim. No build step.
import { readFile } from 'node:fs/promises';
import { stripTypeScriptTypes } from 'node:module';
import { join, normalize } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Store } from './store.ts';

const PUBLIC_DIR = join(import.meta.dirname, 'public');
const FLEX_DIR = join(import.meta.dirname, '..', '..', '..', 'packages', 'flex-renderer', 'src');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const cache = new Map<string, string>();

async function loadTs(file: string): Promise<string> {
  const hit = cache.get(file);
  if (hit !== undefined) return hit;
  const js = stripTypeScriptTypes(await readFile(file, 'utf8'), { mode: 'strip' });
  cache.set(file, js);
  return js;
}

export function staticRoutes(app: FastifyInstance, _store: Store): void {
  const sendPublic = async (
    name: string,
    reply: {
      type: (t: string) => { send: (b: string | Buffer) => unknown };
      code: (n: number) => { send: (b: unknown) => unknown };
    },
  ) => {
    const safe = normalize(name).replace(/^(\.\.[/\\])+/, '');
    const ext = safe.slice(safe.lastIndexOf('.'));
    try {
      const data = await readFile(join(PUBLIC_DIR, safe));
      return reply.type(TYPES[ext] ?? 'application/octet-stream').send(data);
    } catch {
      return reply.code(404).send({ message: 'Not found' });
    }
  };
  app.get('/', async (_req, reply) => sendPublic('index.html', reply));
  app.get('/phone/*', async (req, reply) => sendPublic((req.params as { '*': string })['*'], reply));
  app.get('/liff/sdk.js', async (_req, reply) => sendPublic('liff-sdk.js', reply));
  app.get('/flex-renderer/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    if (!/^[a-z-]+\.ts$/.test(file)) return reply.code(404).send({ message: 'Not found' });
    try {
      return reply.type('text/javascript; charset=utf-8').send(await loadTs(join(FLEX_DIR, file)));
    } catch {
      return reply.code(404).send({ message: 'Not found' });
    }
  });
}
