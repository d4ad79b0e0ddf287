// The goblin command: a parser from flags into the library's spawn spec.
// Nothing happens here that the library cannot do.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { SpawnSpec } from '../kernel/kernel.ts';
import { Kernel } from '../wasi/kernel.ts';
import { NsTextError } from '../ns/text.ts';
import { EXIT_CODES } from '../kernel/vm.ts';
import { clientCredentials, serverAuthOptions } from './auth-options.ts';
import { dialMounts, type Mounts } from './dial.ts';
import { DEFAULT_LISTEN, runExport } from './export.ts';
import { HostFs } from './hostfs.ts';
import { register9p } from './ninep-cmd.ts';
import { registerShell } from './shell.ts';
import { hostInput, hostOutput } from './stdio.ts';
import { collect, collectDir, count, envOf, limitsOf, nsOf, worldOptions, type WorldFlags } from './options.ts';

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
  // the namespace is built synchronously: remote trees are connected first
  let mounts: Mounts;
  try { mounts = await dialMounts(spec.ns ?? '', clientCredentials(o)); } catch (e) {
    // a bad line is the namespace's failure, reported as the VM reports one that fails to build
    if (e instanceof NsTextError) die(`${app}: namespace: ${e.message}`, EXIT_CODES.link);
    die((e as Error).message, 2);
  }
  const kernel = new Kernel({ hostDir: (path, ro) => new HostFs(path, ro), dial: mounts.dial });
  const vm = kernel.spawn({ ...spec, stdin: hostInput(0), stdout: hostOutput(1), stderr: hostOutput(2) });
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
    .action(runExport);
  register9p(program); // `goblin 9p ls|cat|stat|write ADDR PATH`
  registerShell(program); // `goblin sh`, and `goblin` alone
  program.parse(argv);
}
