// Library-level helpers: a kernel with host directories, and running a test program to the end.
import { readFileSync } from 'node:fs';
import type { KernelHost, SpawnSpec } from '../../src/kernel/kernel.ts';
import { Kernel } from '../../src/wasi/kernel.ts';
import { collect } from '../../src/kernel/stdio.ts';
import type { ExitStatus } from '../../src/kernel/vm.ts';
import { HostFs } from '../../src/node/hostfs.ts';
import { cc } from './cc.ts';

export function newKernel(host: KernelHost = {}): Kernel {
  return new Kernel({ hostDir: (path, ro) => new HostFs(path, ro), ...host });
}

const bytesCache = new Map<string, Uint8Array>();
/** The bytes of test/c/NAME.c compiled (one Uint8Array per program, so the kernel's cache works). */
export function program(name: string): Uint8Array {
  let b = bytesCache.get(name);
  if (!b) bytesCache.set(name, b = new Uint8Array(readFileSync(cc(name))));
  return b;
}

export interface Ran extends ExitStatus { stdout: string; stderr: string }

/** Spawns test/c/NAME.c with ARGS and waits for it. */
export async function runVm(kernel: Kernel, name: string, args: string[] = [], spec: Partial<SpawnSpec> = {}): Promise<Ran> {
  const out = collect(), err = collect();
  const vm = kernel.spawn({ module: program(name), args: [name, ...args], stdout: out, stderr: err, ...spec });
  const st = await vm.exit;
  return { ...st, stdout: out.text(), stderr: err.text() };
}
