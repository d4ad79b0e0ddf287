// `goblin serve`: HTTP/1.1 with a fresh, limited VM per request (the WAGI
// contract), on kernel threads on every core. The threads each listen on the
// same port (SO_REUSEPORT) and share one count of requests in flight; this
// thread starts them, passes their log on and drains them on SIGTERM.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { envOf, limitsOf, mountLine, type WorldFlags } from '../options.ts';
import { readFileSync } from 'node:fs';
import type { FromWorker, WorkerConfig } from './config.ts';
import { gateMemory } from './gate.ts';
export { SERVE_DEFAULTS } from './defaults.ts';
import { workerUrl } from '../threads.ts';
import { manifestRoutes, parseRoute, route, type Route } from './routes.ts';
import { looksLikeAppliance, loadOrDie } from '../appliance.ts';

export interface ServeFlags extends WorldFlags {
  listen: string; threads?: number; maxConcurrent: number; queue: number;
  route: string[]; streamAfter: number; maxBody: number; keepAlive: number; drainTimeout: number;
  accessLog: boolean; deterministic?: boolean; seed?: number; mountHole: string[]; trust: string[];
}


/** `HOST:PORT`, `[V6]:PORT`, `:PORT` (every interface) or `tcp!HOST!PORT`. */
export function parseListen(addr: string): { host: string; port: number } {
  const m = /^tcp!([^!]*)!(\d+)$/.exec(addr) ?? /^\[([^\]]+)\]:(\d+)$/.exec(addr) ?? /^([^:[\]]*):(\d+)$/.exec(addr);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new Error(`--listen ${addr}: expected HOST:PORT or tcp!HOST!PORT (e.g. 127.0.0.1:8080)`);
  const host = m[1] === '' || m[1] === '*' ? '0.0.0.0' : m[1]!;
  return { host, port };
}

function die(msg: string): never {
  process.stderr.write(`goblin: ${msg}\n`);
  process.exit(2);
}

export async function serveCommand(app: string | undefined, o: ServeFlags): Promise<void> {
  let routes: Route[], where: { host: string; port: number };
  try {
    where = parseListen(o.listen);
    routes = o.route.map(parseRoute);
    for (const f of [...routes.map(r => r.app), ...(app ? [app] : [])]) readFileSync(f, { flag: 'r' }).subarray(0, 0);
  } catch (e) { die((e as Error).message.replace(/^ENOENT: /, '')); }
  // an appliance with routes in its manifest is served on them; any other app on every path
  if (app) {
    const own = looksLikeAppliance(app) ? (await loadOrDie(app, o.trust)).manifest.routes : undefined;
    try { routes.push(...(own ? manifestRoutes(app, own) : [route('/...', app, app)])); } catch (e) { die((e as Error).message); }
  }
  if (!routes.length) die('serve what? give APP.gob or APP.wasm, or --route /PATH=APP');
  const threads = o.threads || availableParallelism();
  const config: Omit<WorkerConfig, 'port'> = {
    host: where.host, routes,
    vm: {
      ns: (o.ns ? readFileSync(o.ns, 'utf8') + '\n' : '') + o.mount.map(mountLine).join('\n'),
      dir: o.dir, env: envOf(o), limits: limitsOf(o), deterministic: o.deterministic, seed: o.seed,
      mountHole: o.mountHole, trust: o.trust,
    },
    auth: { tlsCa: o.tlsCa, tlsCert: o.tlsCert, tlsKey: o.tlsKey, tlsPsk: o.tlsPsk, authFile: o.authFile },
    server: { name: where.host, port: where.port, software: 'goblin' },
    streamAfter: o.streamAfter, maxBody: o.maxBody, maxConcurrent: o.maxConcurrent || Infinity, queue: o.queue,
    gate: gateMemory(), keepAlive: o.keepAlive, accessLog: o.accessLog,
  };

  const workers: Worker[] = [];
  const start = (port: number) => new Promise<number>((resolve) => {
    const w = new Worker(workerUrl('serve-worker'), {
      workerData: { ...config, port, server: { ...config.server, port } } satisfies WorkerConfig,
    });
    workers.push(w);
    w.on('message', (m: FromWorker) => {
      if (m.kind === 'listening') resolve(m.port);
      else if (m.kind === 'error') die(m.message);
      else if (m.kind === 'drained') drained(w);
    });
    w.on('error', (e: Error) => die(`a kernel thread failed: ${e.message}`));
  });
  // the first thread takes the port (any free one for :0), the others join it there
  const port = await start(where.port);
  await Promise.all(Array.from({ length: threads - 1 }, () => start(port)));
  const shown = where.host.includes(':') ? `[${where.host}]` : where.host;
  process.stderr.write(`goblin serve: listening on http://${shown}:${port}/ (${threads} thread${threads > 1 ? 's' : ''}; ${routes.map(r => `${r.pattern} → ${r.app}${r.entry ? `:${r.entry}` : ''}`).join(', ')})\n`);

  const left = new Set(workers);
  function drained(w: Worker): void {
    left.delete(w);
    if (left.size === 0) process.exit(0);
  }
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) { process.stderr.write(`goblin serve: ${sig} again: stopping now\n`); process.exit(1); }
    stopping = true;
    process.stderr.write(`goblin serve: ${sig}: no new connections; draining the requests in flight\n`);
    for (const w of workers) w.postMessage({ kind: 'drain' });
    setTimeout(() => { process.stderr.write('goblin serve: drain timed out\n'); process.exit(1); }, o.drainTimeout).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

