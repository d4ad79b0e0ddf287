// One kernel thread: runs the VMs a KernelThreads pool sends it, many at once.
import { createHash } from 'node:crypto';
import { parentPort, threadId } from 'node:worker_threads';
import { Kernel } from '../wasi/kernel.ts';
import { collect, source } from '../kernel/stdio.ts';
import { HostFs } from './hostfs.ts';
import type { ThreadJob } from './threads.ts';

const kernel = new Kernel({ hostDir: (path, ro) => new HostFs(path, ro) });
// the same bytes arrive as a new copy with every message: key the cache by content
const byHash = new Map<string, Uint8Array>();

parentPort!.on('message', async ({ id, job }: { id: number; job: ThreadJob }) => {
  const key = createHash('sha256').update(job.module).digest('hex');
  let bytes = byHash.get(key);
  if (!bytes) byHash.set(key, bytes = job.module);
  const out = collect(), err = collect();
  const vm = kernel.spawn({
    module: bytes, args: job.args, env: job.env, ns: job.ns, limits: job.limits,
    deterministic: job.deterministic, seed: job.seed,
    stdin: source(job.stdin ?? new Uint8Array(0)), stdout: out, stderr: err,
  });
  const status = await vm.exit;
  parentPort!.postMessage({ id, result: { ...status, stdout: out.bytes(), stderr: err.bytes(), thread: threadId } });
});
