// goblin serve under load: a hello CGI handler, a fresh VM per request, beside a
// plain node:http server answering the same bytes, both as their own process,
// each loaded by wrk with 50 connections, alternately, in the same run.
//   node bench/serve.ts [--quick]
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cc } from '../test/lib/cc.ts';
import { median, report } from './lib.ts';

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const goblin = join(here, '../bin/goblin.js');
const handler = cc(join(here, 'c/b_cgi_hello.c'));
const seconds = quick ? 2 : 4, rounds = quick ? 1 : 3, connections = 50;

const plainNode = `
const body = Buffer.from('hello\\n');
require('node:http').createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
  res.end(body);
}).listen(0, '127.0.0.1', function () { console.error('listening on http://127.0.0.1:' + this.address().port + '/'); });`;

/** A server process, once its stderr says where it listens. */
function start(args: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (b: Buffer) => {
      log += b.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
      if (m) resolve({ url: `${m[1]}/`, proc });
    });
    proc.on('exit', code => reject(new Error(`${args.join(' ')} exited ${code}:\n${log}`)));
  });
}

interface Load { rps: number; p50: number; p99: number }

const ms = (v: string, unit: string) => Number(v) * ({ us: 1e-3, ms: 1, s: 1000 } as Record<string, number>)[unit]!;

async function load(url: string): Promise<Load> {
  const { stdout } = await promisify(execFile)('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', url]);
  const at = (q: string) => { const m = new RegExp(`^\\s+${q}%\\s+([\\d.]+)(us|ms|s)\\b`, 'm').exec(stdout); if (!m) throw new Error(`wrk said:\n${stdout}`); return ms(m[1]!, m[2]!); };
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!rps || /Non-2xx|Socket errors/.test(stdout)) throw new Error(`wrk said:\n${stdout}`);
  return { rps: Number(rps[1]), p50: at('50'), p99: at('99') };
}

const servers = {
  goblin: await start([goblin, 'serve', '--listen', '127.0.0.1:0', '--no-access-log', '--route', `/=${handler}`]),
  node: await start(['-e', plainNode]),
};
const runs: Record<keyof typeof servers, Load[]> = { goblin: [], node: [] };
try {
  for (let i = 0; i < rounds; i++) for (const side of ['goblin', 'node'] as const) runs[side].push(await load(servers[side].url));
} finally {
  for (const s of Object.values(servers)) s.proc.kill('SIGTERM');
}
const of = (side: keyof typeof servers, k: keyof Load) => median(runs[side].map(r => r[k]));
const what = `goblin serve, a hello CGI handler with a fresh VM per request, one kernel thread per core: plain node:http answering the same bytes; wrk -t2 -c${connections} -d${seconds}s, median of ${rounds}`;
report(`${what}: requests/s`, of('goblin', 'rps'), 'node:http', of('node', 'rps'), 'req/s', '≥ 10,000 req/s and ≥ 0.5x');
report(`${what}: p50 latency`, of('goblin', 'p50'), 'node:http', of('node', 'p50'), 'ms', 'none set');
report(`${what}: p99 latency`, of('goblin', 'p99'), 'node:http', of('node', 'p99'), 'ms', 'none set');
