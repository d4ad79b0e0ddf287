// The goblin command: every subcommand and its flags, parsed into the library's
// spec. Nothing happens here that the library cannot do. Each command's code is
// loaded when it runs, so `goblin run` does not pay for the 9P server, the
// shell's line editor or the schema checker of `goblin pack`.
import { Command } from 'commander';
import {
  clientAuthOptions, collect, collectDir, count, DEFAULT_9P_TIMEOUT, DEFAULT_LISTEN, duration, serverAuthOptions, size, worldOptions,
} from './options.ts';
import { SERVE_DEFAULTS } from './serve/defaults.ts';

/** An action whose code is in `load`'s module. */
const lazy = <M, A extends unknown[]>(load: () => Promise<M>, pick: (m: M) => (...a: A) => unknown) =>
  async (...a: A) => { await pick(await load())(...a); };

/**
 * Each subcommand, defined on the program. Only the one invoked is built (all of
 * them for help, an unknown name or the default, sh): building every command
 * costs a start more than a small app takes to run.
 */
const commands: Record<string, (program: Command) => void> = {
  run: program => {
    worldOptions(program.command('run')
      .description('run a WASI command or an appliance in its own VM')
      .argument('<app>', 'the .wasm program or .gob appliance')
      .argument('[args...]', 'its arguments'))
      .option('--deterministic', 'deterministic clocks, randomness and listings')
      .option('--seed <n>', 'seed for deterministic randomness (implies --deterministic)', count)
      .option('--trap-unknown-imports', 'let a module with unknown imports run until it calls one')
      .option('--mount-hole <NAME=HOST[:ro]>', 'fill an appliance\'s mount hole with a host directory (repeatable)', collect, [])
      .option('--trust <pubkey>', 'run only appliances signed by this Ed25519 public key (repeatable)', collect, [])
      .passThroughOptions()
      .action(lazy(() => import('./run.ts'), m => m.run));
  },
  export: program => {
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
      .action(lazy(() => import('./export.ts'), m => m.runExport));
  },
  serve: program => {
    worldOptions(program.command('serve')
      .description('serve HTTP with a fresh VM per request (WAGI: CGI for WASI commands)')
      .argument('[app]', 'the .wasm program or .gob appliance that answers every path (/...)')
      .option('--listen <addr>', `HOST:PORT or tcp!HOST!PORT (default ${SERVE_DEFAULTS.listen}; port 0: any free one)`, SERVE_DEFAULTS.listen)
      .option('--route <PATH=APP>', 'PATH (exactly) or PATH/... (and below) answered by APP; the longest match wins (repeatable)', collect, [])
      .option('--threads <n>', 'kernel threads, each listening (default: one per core)', count)
      .option('--max-concurrent <n>', `requests run at once across all threads (default ${SERVE_DEFAULTS.maxConcurrent}; 0: no limit)`, count, SERVE_DEFAULTS.maxConcurrent)
      .option('--queue <n>', `requests that may wait for a slot; more get 503 (default ${SERVE_DEFAULTS.queue})`, count, SERVE_DEFAULTS.queue)
      .option('--stream-after <size>', 'hold a response until the VM exits or its body passes this, then stream it (default 64K)', size, SERVE_DEFAULTS.streamAfter)
      .option('--max-body <size>', 'largest request body taken; larger gets 413 (default 64M)', size, SERVE_DEFAULTS.maxBody)
      .option('--keep-alive <duration>', 'how long an idle connection is kept (default 5s)', duration, SERVE_DEFAULTS.keepAlive)
      .option('--drain-timeout <duration>', 'on SIGTERM, how long requests in flight may take before the server stops anyway (default 30s)', duration, SERVE_DEFAULTS.drainTimeout)
      .option('--no-access-log', 'no log line per request (handlers\' stderr is still logged)')
      .option('--deterministic', 'deterministic clocks, randomness and listings in every VM')
      .option('--seed <n>', 'seed for deterministic randomness (implies --deterministic)', count)
      .option('--mount-hole <NAME=HOST[:ro]>', 'fill an appliance\'s mount hole with a host directory (repeatable)', collect, [])
      .option('--trust <pubkey>', 'serve only appliances signed by this Ed25519 public key (repeatable)', collect, []))
      .action(lazy(() => import('./serve/serve.ts'), m => m.serveCommand));
  },
  pack: program => {
    program.command('pack')
      .description('pack an app and its files into one verified appliance (.gob)')
      .argument('[dir]', 'the app\'s directory or its goblin.json', '.')
      .option('-o, --output <file>', 'where to write it (default NAME.gob)')
      .option('--sign <key>', 'sign it with an Ed25519 private key (goblin keygen)')
      .action(lazy(() => import('./pack.ts'), m => m.packCommand));
  },
  inspect: program => {
    program.command('inspect')
      .description('verify an appliance and show its manifest, files, base chain and digest')
      .argument('<app...>', 'the .gob file (two with --diff)')
      .option('--json', 'print it as JSON')
      .option('--diff', 'show what differs between two appliances')
      .option('--trust <pubkey>', 'also check it is signed by this key (repeatable)', collect, [])
      .action(lazy(() => import('./inspect.ts'), m => m.inspectCommand));
  },
  keygen: program => {
    program.command('keygen')
      .description('make an Ed25519 key pair for signing appliances: NAME.key and NAME.pub')
      .argument('[name]', 'file name without extension', 'goblin')
      .action(lazy(() => import('./pack.ts'), m => m.keygenCommand));
  },
  cache: program => {
    const cache = program.command('cache').description('the cache of appliances and compiled programs ($GOBLIN_CACHE, else ~/.cache/goblin)');
    cache.command('ls').description('list what the cache holds').action(lazy(() => import('./cache.ts'), m => m.listCache));
    cache.command('clear').description('remove everything the cache holds').action(lazy(() => import('./cache.ts'), m => m.clearCacheCommand));
  },
  '9p': program => {
    clientAuthOptions(program.command('9p')
      .description('one 9P operation on a remote tree: ls, cat, stat, or write (from stdin)')
      .argument('<op>', 'ls, cat, stat or write')
      .argument('<addr>', 'server: tcp!HOST!PORT, tls!HOST!PORT or unix!PATH')
      .argument('[path]', 'path in the remote tree', '/')
      .option('-a, --aname <aname>', 'the tree to attach', '')
      .option('-l, --long', 'ls: mode, links, size, modification time and name')
      .option('-u, --uname <name>', 'the user to attach as (default: you)')
      .option('--dialect <version>', 'the richest dialect to ask for (9P2000.L, 9P2000.u, 9P2000)', '9P2000.L')
      .option('--trace', 'print every 9P message on stderr')
      .option('--timeout <duration>', 'how long each step may wait for the server (connect, version, attach, each request; 0: forever)', duration, DEFAULT_9P_TIMEOUT))
      .action(lazy(() => import('./ninep-cmd.ts'), m => m.ninep));
  },
  sh: program => {
    worldOptions(program.command('sh', { isDefault: true })
      .description('the rc shell in the embedded rootfs (interactive without arguments)')
      .argument('[script]', 'a file of rc commands, or an appliance (.gob) to live in')
      .argument('[args...]', 'its arguments ($*)')
      .option('-c, --command <cmd>', 'run cmd instead of a script')
      .option('-e', 'a command that fails ends the shell (rc -e)')
      .option('-x', 'print each command before it runs (rc -x)')
      .option('--app <APP.gob>', 'live in an appliance\'s world: its image is the root (goblin sh APP.gob does too)')
      .option('--mount-hole <NAME=HOST[:ro]>', 'fill the appliance\'s mount hole with a host directory (repeatable)', collect, [])
      .option('--trust <pubkey>', 'only an appliance signed by this Ed25519 public key (repeatable)', collect, []))
      .passThroughOptions()
      .action(lazy(() => import('./shell.ts'), m => m.shellMain));
  },
};

export function main(argv: string[]): void {
  const program = new Command('goblin')
    .description('app-level virtualization: WASI apps in tiny Plan 9-style worlds')
    .enablePositionalOptions()
    .showHelpAfterError('(goblin --help for usage)')
    .configureOutput({ outputError: (s, write) => write(s.replace(/^error: /, 'goblin: ')) })
    .exitOverride(e => process.exit(e.exitCode === 0 ? 0 : 2));
  const name = argv[2];
  if (name !== undefined && Object.hasOwn(commands, name)) commands[name]!(program);
  else for (const define of Object.values(commands)) define(program);
  program.parse(argv);
}
