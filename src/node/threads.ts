// Kernel threads: a Kernel in each of several worker threads, so VMs use every core.
// Within a thread VMs share the core cooperatively; across threads they run in
// parallel. A worker starts in tens of milliseconds, so threads are made once and
// given many VMs. Stdio crosses threads whole: input given up front, output returned.
import { extname } from 'node:path';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ExitStatus, Limits } from '../kernel/vm.ts';

export interface ThreadJob {
  /** the module's bytes (compiled once per thread, then cached) */
  module: Uint8Array;
  args?: string[];
  env?: Record<string, string>;
  ns?: string;
  stdin?: Uint8Array;
  limits?: Limits;
  deterministic?: boolean;
  seed?: number;
}

export interface ThreadResult extends ExitStatus {
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** which kernel thread ran it */
  thread: number;
}

/**
 * A worker thread's module beside this one: .ts in the repository, .js when built,
 * and in the bundled command the chunk that inlines this sits where the entries do.
 */
export function workerUrl(name: string): URL {
  return new URL(`./${name}${extname(import.meta.url)}`, import.meta.url);
}

interface Pending { resolve: (r: ThreadResult) => void; reject: (e: Error) => void }

export class KernelThreads {
  private readonly workers: { w: Worker; load: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextJob = 1;

  constructor(count = availableParallelism()) {
    for (let i = 0; i < count; i++) {
      const w = new Worker(workerUrl('thread-worker'));
      const slot = { w, load: 0 };
      w.on('message', (m: { id: number; result: ThreadResult }) => {
        slot.load--;
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve(m.result);
      });
      w.on('error', (e: Error) => { for (const p of this.pending.values()) p.reject(e); this.pending.clear(); });
      this.workers.push(slot);
    }
  }

  /** Runs a VM on the least busy thread. */
  run(job: ThreadJob): Promise<ThreadResult> {
    const slot = this.workers.reduce((a, b) => (b.load < a.load ? b : a));
    const id = this.nextJob++;
    slot.load++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.w.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(s => s.w.terminate()));
  }
}
