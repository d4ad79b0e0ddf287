// `goblin run`: one app, a module or an appliance, in its own VM on this process's terminal.
import { readFileSync } from 'node:fs';
import type { SpawnSpec } from '../kernel/kernel.ts';
import { Kernel } from '../wasi/kernel.ts';
import { EXIT_CODES, type Vm } from '../kernel/vm.ts';
import { defined, manifestLimits } from '../kernel/appliance.ts';
import { NsTextError } from '../ns/text.ts';
import { clientCredentials } from './auth-options.ts';
import type { Mounts } from './dial.ts';
import { HostFs } from './hostfs.ts';
import { hostInput, hostOutput } from './stdio.ts';
import { applianceHost, fillHoles, loadOrDie, looksLikeAppliance } from './appliance.ts';
import { envOf, limitsOf, nsOf, type WorldFlags } from './options.ts';

export interface RunOptions extends WorldFlags {
  deterministic?: boolean; seed?: number; trapUnknownImports?: boolean;
  mountHole: string[]; trust: string[];
}

export function runSpec(app: string, args: string[], o: RunOptions): SpawnSpec {
  if (args[0] === '--') args = args.slice(1);
  return {
    module: new Uint8Array(readFileSync(app)),
    args: [app, ...args], env: envOf(o), ns: nsOf(o), limits: limitsOf(o),
    deterministic: o.deterministic || o.seed !== undefined, seed: o.seed,
    trapUnknownImports: o.trapUnknownImports,
  };
}

function die(msg: string, code: number): never {
  process.stderr.write(`goblin: ${msg}\n`);
  process.exit(code);
}

/** An appliance's spec: what the command line says over what the manifest says. */
async function applianceSpec(app: string, args: string[], o: RunOptions): Promise<SpawnSpec> {
  const appliance = await loadOrDie(app, o.trust);
  const { holes, dirs } = fillHoles(appliance, o.mountHole, o.dir);
  return {
    appliance, holes,
    args: args.length ? args : undefined, env: envOf(o), ns: nsOf({ ...o, dir: dirs }),
    limits: { ...manifestLimits(appliance.manifest.limits), ...defined(limitsOf(o)) },
    deterministic: o.deterministic || o.seed !== undefined ? true : undefined, seed: o.seed,
    trapUnknownImports: o.trapUnknownImports,
  };
}

export async function run(app: string, args: string[], o: RunOptions): Promise<void> {
  if (args[0] === '--') args = args.slice(1);
  let spec: SpawnSpec;
  const isApp = looksLikeAppliance(app);
  try { spec = isApp ? await applianceSpec(app, args, o) : runSpec(app, args, o); } catch (e) { die((e as Error).message.replace(/^ENOENT: /, ''), 2); }
  // an appliance whose entry is an rc script runs in the shell, in the appliance's world
  if (spec.appliance && isRcScript(spec.appliance.entry())) return (await import('./shell.ts')).shellMain(undefined, args, { ...o, app, entryScript: true });
  // the namespace is built synchronously: remote trees are connected first, within --timeout
  const started = performance.now(), timeout = spec.limits?.timeout;
  let mounts: Mounts;
  try { mounts = await dialIfAny(spec.ns ?? '', { ...clientCredentials(o), timeout }); } catch (e) {
    // a bad line is the namespace's failure, reported as the VM reports one that fails to build
    if (e instanceof NsTextError) die(`${app}: namespace: ${e.message}`, EXIT_CODES.link);
    die((e as Error).message, timeout !== undefined && performance.now() - started >= timeout ? EXIT_CODES.timeout : 2);
  }
  // one user's own run: its /proc may show the host paths it was given (goblin serve and jobs hide them)
  const kernel = new Kernel({ hostDir: (path, ro) => new HostFs(path, ro), dial: mounts.dial, showHostPaths: true, ...applianceHost() });
  // what mounting took comes off the VM's time; the message still names the whole --timeout
  const late = mounts.trees.size > 0 && timeout !== undefined;
  const limits = late ? { ...spec.limits, timeout: undefined } : spec.limits;
  let vm: Vm;
  try {
    vm = kernel.spawn({ ...spec, limits, stdin: hostInput(0), stdout: hostOutput(1), stderr: hostOutput(2) });
  } catch (e) { die(`${app}: ${(e as Error).message}`, 2); }
  if (late) setTimeout(() => vm.kill('timeout', `timed out after ${timeout} ms`), Math.max(0, timeout - (performance.now() - started))).unref();
  const status = await vm.exit;
  if (status.message) process.stderr.write(`goblin: ${app}: ${status.message}\n`);
  process.exit(status.code);
}

/** `#!/bin/rc` (or any #! line naming rc): a script for the shell, not a wasm program. */
function isRcScript(b: Uint8Array): boolean {
  const first = new TextDecoder().decode(b.subarray(0, Math.min(b.length, 128))).split('\n')[0]!;
  return /^#!\s*\S*\/rc(\s|$)/.test(first);
}

/** The mounts of namespace text, dialed; the 9P client and transports are loaded only when there are some. */
async function dialIfAny(text: string, opts: Parameters<typeof import('./dial.ts').dialMounts>[1]): Promise<Mounts> {
  if (!/^\s*mount\b/m.test(text)) return { dial: () => { throw new Error('no mounts'); }, trees: new Map(), close() {} };
  return (await import('./dial.ts')).dialMounts(text, opts);
}
