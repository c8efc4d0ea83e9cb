// Summarises a V8 .cpuprofile (from `--cpu-prof`): the top functions by self time and by
// inclusive time, as a share of all samples.
//   npx node bench/lib/cpuprofile-summary.ts <file.cpuprofile> [top=30] [filter]
// `filter` keeps only frames whose url contains it in the inclusive list (e.g. line-emulator).
import { readFileSync } from 'node:fs';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const [file, topArg, filter] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: cpuprofile-summary.ts <file.cpuprofile> [top] [filter]\n');
  process.exit(2);
}
process.stdout.on('error', () => process.exit(0)); // e.g. piped into head
const top = Number(topArg ?? 30);
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfTime = new Map<number, number>();
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i] ?? 0;
  selfTime.set(prof.samples[i], (selfTime.get(prof.samples[i]) ?? 0) + dt);
  total += dt;
}

const key = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/(node_modules|apps|bench|packages)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
const incl = new Map<string, number>();
for (const [id, t] of selfTime) {
  const n = byId.get(id)!;
  self.set(key(n), (self.get(key(n)) ?? 0) + t);
  // inclusive: each distinct function on the stack once
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur)!);
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + t);
  }
}
const pct = (t: number) => `${((t / total) * 100).toFixed(1).padStart(5)} %`;
const print = (title: string, m: Map<string, number>, f?: string) => {
  process.stdout.write(`\n${title}\n`);
  [...m]
    .filter(([k]) => !f || k.includes(f))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, t]) => process.stdout.write(`${pct(t)}  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}\n`));
};
process.stdout.write(`total ${(total / 1000).toFixed(0)} ms sampled, ${prof.samples.length} samples\n`);
print('self time', self);
print(`inclusive time${filter ? ` (${filter})` : ''}`, incl, filter);
