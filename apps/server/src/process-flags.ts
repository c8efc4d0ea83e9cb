// Node flags for worker processes (`node <flags> apps/server/src/server.ts --role worker`;
// docs/operations.md "Production layout"; the benchmarks start their workers with them too).
// V8 lets the young generation grow to two 64 MB semi-spaces when a process allocates fast, as
// a worker sending thousands of messages a second does: that alone took a worker from ~150 MB
// to 330–370 MB resident; Maglev's compiler memory came and went on top. 4 MB semi-spaces and
// no Maglev keep it under 300 MB at no measurable CPU cost (docs/benchmarks.md "Worker memory").
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--no-maglev'];
