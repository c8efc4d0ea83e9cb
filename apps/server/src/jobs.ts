// Every job type the worker knows, collected from the modules.
import type { JobHandler } from './platform/jobs.ts';
import type { Deps } from './platform/deps.ts';

export function jobHandlers(_deps: Deps): Record<string, JobHandler> {
  return {
    // Modules register their handlers here (HIS webhooks, LINE pushes, SMS, …).
    'system.noop': async () => {},
  };
}
