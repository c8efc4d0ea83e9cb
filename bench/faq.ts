// `npm run bench -- faq`: the FAQ matcher alone (bench/lib/faq.ts; the webhook benchmark
// reports the same figures in its result line).
import faqBench from './lib/faq.ts';

export default async function run(): Promise<Record<string, unknown>> {
  const r = await faqBench();
  return {
    metric: 'faq_p95_ms',
    value: r.faq_p95_ms,
    unit: 'ms',
    baseline: 20,
    ratio: Math.round((r.faq_p95_ms / 20) * 1000) / 1000,
    ...r,
  };
}
