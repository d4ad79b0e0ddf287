// What answers a route on a kernel thread: the app (a module or an appliance)
// read, verified and compiled once, and a fresh VM per request in its world.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { defined, manifestLimits } from '../../kernel/appliance.ts';
import type { Kernel } from '../../wasi/kernel.ts';
import type { Limits } from '../../kernel/vm.ts';
import { fillHoles, looksLikeAppliance, nodeLoadOptions, trustedKeys } from '../appliance.ts';
import { dirLine } from '../options.ts';
import type { Handler } from './exchange.ts';
import type { Route } from './routes.ts';

/** What the command line says of every request's VM. */
export interface VmFlags {
  /** namespace text from --ns, --mount (the --dir lines are kept apart: they may fill an appliance's holes) */
  ns: string;
  dir: string[];
  env: Record<string, string>;
  limits: Limits;
  deterministic?: boolean;
  seed?: number;
  mountHole: string[];
  trust: string[];
}

/** Fuel counted when no limit is set, so that each request's log line can say what it used. */
const UNLIMITED_FUEL = Number.MAX_SAFE_INTEGER;

export async function handlerFor(kernel: Kernel, r: Pick<Route, 'app' | 'entry' | 'args'>, f: VmFlags): Promise<Handler> {
  const app = r.app;
  const bytes = new Uint8Array(readFileSync(app));
  if (looksLikeAppliance(app)) return applianceHandler(kernel, r, bytes, f);
  const limits = { ...f.limits, fuel: f.limits.fuel ?? UNLIMITED_FUEL };
  const module = await kernel.compile(bytes, { maxMemory: limits.maxMemory });
  const ns = [f.ns, ...f.dir.map(dirLine)].join('\n');
  const deterministic = f.deterministic || f.seed !== undefined;
  const args = [basename(app)];
  return {
    start: io => kernel.spawn({
      module, args, ns, limits, deterministic, seed: f.seed,
      env: { ...f.env, ...io.env }, stdin: io.stdin, stdout: io.stdout, stderr: io.stderr,
    }),
  };
}

async function applianceHandler(kernel: Kernel, r: Pick<Route, 'app' | 'entry' | 'args'>, bytes: Uint8Array, f: VmFlags): Promise<Handler> {
  const path = r.app;
  const trust = f.trust.length ? trustedKeys(f.trust) : undefined;
  const appliance = await kernel.load(bytes, { ...nodeLoadOptions, source: path, trust });
  const program = r.entry ?? appliance.manifest.entry;
  const entry = appliance.entry(program);
  if (/^#!/.test(new TextDecoder().decode(entry.subarray(0, 2)))) throw new Error(`${path}: ${program} is a script; goblin serve runs wasm programs`);
  const { holes, dirs } = fillHoles(appliance, f.mountHole, f.dir);
  const limits = { ...manifestLimits(appliance.manifest.limits), ...defined(f.limits) };
  limits.fuel ??= UNLIMITED_FUEL;
  // compiled now, not by the first request
  await kernel.compile(entry, { maxMemory: limits.maxMemory, digest: appliance.entryDigest(program) });
  const ns = [f.ns, ...dirs.map(dirLine)].join('\n');
  const deterministic = f.deterministic || f.seed !== undefined ? true : undefined;
  return {
    start: io => kernel.spawn({
      appliance, entry: r.entry, args: r.args, holes, ns, limits, deterministic, seed: f.seed,
      env: { ...f.env, ...io.env }, stdin: io.stdin, stdout: io.stdout, stderr: io.stderr,
    }),
  };
}
