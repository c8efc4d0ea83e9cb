// Prometheus text metrics: HTTP request counts and latencies, job outcomes; queue depth and
// the age of the oldest due job are read from the database at scrape time.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Hist = { counts: number[]; sum: number; count: number };

export type Metrics = {
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  jobFinished(type: string, outcome: 'done' | 'retry' | 'dead'): void;
  render(extra: { depth: number; due: number; oldestDueAgeSeconds: number; dead: number; running: number }): string;
};

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function createMetrics(): Metrics {
  const requests = new Map<string, number>();
  const latency = new Map<string, Hist>();
  const jobs = new Map<string, number>();
  const labels = new Map<string, string>();
  const labelOf = (method: string, route: string) => {
    const key = `${method} ${route}`;
    let l = labels.get(key);
    if (l === undefined) {
      l = `method="${esc(method)}",route="${esc(route)}"`;
      if (labels.size < 5000) labels.set(key, l);
    }
    return l;
  };
  return {
    observeRequest(method, route, status, seconds) {
      // Label strings are built once per method + route (+ status), not on every request.
      const lk = labelOf(method, route);
      const k = `${lk},status="${status}"`;
      requests.set(k, (requests.get(k) ?? 0) + 1);
      let h = latency.get(lk);
      if (!h) latency.set(lk, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
      for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) h.counts[i]++;
      h.sum += seconds;
      h.count++;
    },
    jobFinished(type, outcome) {
      const k = `type="${esc(type)}",outcome="${outcome}"`;
      jobs.set(k, (jobs.get(k) ?? 0) + 1);
    },
    render(q) {
      const out: string[] = [];
      out.push(
        '# HELP careline_http_requests_total HTTP requests by route and status.',
        '# TYPE careline_http_requests_total counter',
      );
      for (const [k, v] of requests) out.push(`careline_http_requests_total{${k}} ${v}`);
      out.push(
        '# HELP careline_http_request_duration_seconds HTTP request latency.',
        '# TYPE careline_http_request_duration_seconds histogram',
      );
      for (const [k, h] of latency) {
        BUCKETS.forEach((b, i) =>
          out.push(`careline_http_request_duration_seconds_bucket{${k},le="${b}"} ${h.counts[i]}`),
        );
        out.push(`careline_http_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
        out.push(`careline_http_request_duration_seconds_sum{${k}} ${h.sum}`);
        out.push(`careline_http_request_duration_seconds_count{${k}} ${h.count}`);
      }
      out.push(
        '# HELP careline_jobs_finished_total Job runs by type and outcome.',
        '# TYPE careline_jobs_finished_total counter',
      );
      for (const [k, v] of jobs) out.push(`careline_jobs_finished_total{${k}} ${v}`);
      out.push(
        '# HELP careline_job_queue_depth Jobs pending or running.',
        '# TYPE careline_job_queue_depth gauge',
        `careline_job_queue_depth ${q.depth}`,
      );
      out.push(
        '# HELP careline_job_queue_due Jobs due now and not yet claimed.',
        '# TYPE careline_job_queue_due gauge',
        `careline_job_queue_due ${q.due}`,
      );
      out.push(
        '# HELP careline_job_oldest_due_age_seconds Age of the oldest due job.',
        '# TYPE careline_job_oldest_due_age_seconds gauge',
        `careline_job_oldest_due_age_seconds ${q.oldestDueAgeSeconds}`,
      );
      out.push(
        '# HELP careline_jobs_dead Jobs that failed permanently.',
        '# TYPE careline_jobs_dead gauge',
        `careline_jobs_dead ${q.dead}`,
      );
      return out.join('\n') + '\n';
    },
  };
}
