// A real `goblin serve` on 127.0.0.1 for tests: started with the flags given on a
// free port, its log kept, stopped with SIGTERM (or killed) at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type IncomingHttpHeaders } from 'node:http';
import { goblinBin, node, testCache } from './run.ts';

export interface Served {
  url: string;
  port: number;
  proc: ChildProcess;
  /** everything on its stderr so far */
  log(): string;
  /** resolves when its log has a line matching re */
  waitLog(re: RegExp): Promise<void>;
  /** SIGTERM, then its exit code */
  stop(): Promise<number | null>;
}

export function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const proc = spawn(node, [goblinBin, 'serve', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GOBLIN_CACHE: testCache, ...env } });
  let log = '';
  const watchers: { re: RegExp; done: () => void }[] = [];
  const exited = new Promise<number | null>(r => proc.on('exit', code => r(code)));
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (b: Buffer) => {
      log += b.toString();
      for (const w of [...watchers]) if (w.re.test(log)) { watchers.splice(watchers.indexOf(w), 1); w.done(); }
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (m) resolve({
        url: `http://127.0.0.1:${m[1]}`, port: Number(m[1]), proc,
        log: () => log,
        waitLog: re => new Promise(done => { if (re.test(log)) done(); else watchers.push({ re, done }); }),
        stop: () => { proc.kill('SIGTERM'); return exited; },
      });
    });
    exited.then(code => reject(new Error(`goblin serve exited (${code}) before listening:\n${log}`)));
  });
}

export interface Reply { status: number; reason: string; headers: IncomingHttpHeaders; body: Buffer }

/** One request with node:http (a new connection unless an agent is given). */
export function fetchRaw(url: string, o: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string; agent?: import('node:http').Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? (o.body !== undefined ? 'POST' : 'GET'), headers: o.headers, agent: o.agent ?? false }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, reason: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
