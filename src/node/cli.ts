// The goblin command: a parser from flags into the library's spawn spec.
// Nothing happens here that the library cannot do.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { SpawnSpec } from '../kernel/kernel.ts';
import { EXIT_CODES } from '../kernel/vm.ts';
import { NsTextError } from '../ns/text.ts';
import { clientCredentials, serverAuthOptions } from './auth-options.ts';
import { dialMounts, type Mounts } from './dial.ts';
import { DEFAULT_LISTEN, runExport } from './export.ts';
import { HostFs } from './hostfs.ts';
import { register9p } from './ninep-cmd.ts';
import { registerShell } from './shell-cmd.ts';
import { hostInput, hostOutput } from './stdio.ts';
import { collect, collectDir, count, duration, envOf, limitsOf, nsOf, worldOptions, type WorldFlags } from './options.ts';

interface RunOptions extends WorldFlags {
  deterministic?: boolean; seed?: number; trapUnknownImports?: boolean;
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

async function run(app: string, args: string[], o: RunOptions): Promise<void> {
  let spec: SpawnSpec;
  try { spec = runSpec(app, args, o); } catch (e) { die((e as Error).message.replace(/^ENOENT: /, ''), 2); }
  // the namespace is built synchronously: remote trees are connected first, within --timeout
  const started = performance.now(), timeout = spec.limits?.timeout;
  let mounts: Mounts;
  try { mounts = await dialMounts(spec.ns ?? '', { ...clientCredentials(o), timeout }); } catch (e) {
    // a bad line is the namespace's failure, reported as the VM reports one that fails to build
    if (e instanceof NsTextError) die(`${app}: namespace: ${e.message}`, EXIT_CODES.link);
    die((e as Error).message, timeout !== undefined && performance.now() - started >= timeout ? EXIT_CODES.timeout : 2);
  }
  // one user's own run: its /proc may show the host paths it was given (goblin serve and jobs hide them);
  // the kernel is loaded here, not with the CLI, so that other commands do not carry it
  const { Kernel } = await import('../wasi/kernel.ts');
  const kernel = new Kernel({ hostDir: (path, ro) => new HostFs(path, ro), dial: mounts.dial, showHostPaths: true });
  // what mounting took comes off the VM's time; the message still names the whole --timeout
  const late = mounts.trees.size > 0 && timeout !== undefined;
  const limits = late ? { ...spec.limits, timeout: undefined } : spec.limits;
  const vm = kernel.spawn({ ...spec, limits, stdin: hostInput(0), stdout: hostOutput(1), stderr: hostOutput(2) });
  if (late) setTimeout(() => vm.kill('timeout', `timed out after ${timeout} ms`), Math.max(0, timeout - (performance.now() - started))).unref();
  const status = await vm.exit;
  if (status.message) process.stderr.write(`goblin: ${app}: ${status.message}\n`);
  process.exit(status.code);
}

export function main(argv: string[]): void {
  const program = new Command('goblin')
    .description('app-level virtualization: WASI apps in tiny Plan 9-style worlds')
    .enablePositionalOptions()
    .showHelpAfterError('(goblin --help for usage)')
    .configureOutput({ outputError: (s, write) => write(s.replace(/^error: /, 'goblin: ')) })
    .exitOverride(e => process.exit(e.exitCode === 0 ? 0 : 2));
  worldOptions(program.command('run')
    .description('run a WASI command in its own VM')
    .argument('<app>', 'the .wasm program')
    .argument('[args...]', 'its arguments'))
    .option('--deterministic', 'deterministic clocks, randomness and listings')
    .option('--seed <n>', 'seed for deterministic randomness (implies --deterministic)', count)
    .option('--trap-unknown-imports', 'let a module with unknown imports run until it calls one')
    .passThroughOptions()
    .action(run);
  serverAuthOptions(program.command('export')
    .description('serve a namespace over 9P2000, 9P2000.u and 9P2000.L')
    .option('--listen <addr>', `dial string to listen on, tcp!HOST!PORT, tls!HOST!PORT, unix!PATH or ws://HOST:PORT/PATH (repeatable; default ${DEFAULT_LISTEN})`, collect, []))
    .option('--ro', 'refuse every change (EROFS)')
    .option('--dir <HOST::GUEST[:ro]>', 'bind a host directory into the namespace (repeatable)', collectDir, [])
    .option('--mount <ADDR::GUEST[::ANAME]>', 'mount a 9P server into the namespace (repeatable)', collect, [])
    .option('--aname <NAME::HOST[:ro]>', 'also serve a host directory as its own tree, attached by aname NAME (repeatable)', collect, [])
    .option('--ns <file>', 'namespace file: bind/mount/unmount lines to replay')
    .option('--trace', 'print every 9P message on stderr')
    .option('--max-connections <n>', 'connections at once; more are turned away (default 1024)', count)
    .option('--idle-timeout <duration>', 'hang up on a connection that sends nothing this long while holding no fid or mid-message (default 60s; 0: never)', duration)
    .action(runExport);
  register9p(program); // `goblin 9p ls|cat|stat|write ADDR PATH`
  registerShell(program); // `goblin sh`, and `goblin` alone
  program.parse(argv);
}
