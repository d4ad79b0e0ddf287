// Runs a wasm program through the goblin CLI (or, with GOBLIN_RUNNER set, any runner
// with the same flags, such as node:wasi's reference runner) and collects what it did.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoDir } from './cc.ts';

export const node = process.execPath;
export const goblinBin = join(repoDir, 'bin', 'goblin.js');

/** The cache directory of every process a test starts (unless it gives its own): never the user's. */
export const testCache = mkdtempSync(join(tmpdir(), 'goblin-cache-'));

export interface RunResult { code: number | null; signal: string | null; stdout: string; stderr: string; out: Uint8Array }
export interface RunOptions { stdin?: string | Uint8Array; timeoutMs?: number; cwd?: string; /** added to this process's environment */ env?: NodeJS.ProcessEnv }

function runnerPrefix(): string[] {
  const r = process.env.GOBLIN_RUNNER;
  return r ? r.split(' ').filter(Boolean) : [node, goblinBin, 'run'];
}

/** `goblin run FLAGS... WASM ARGS...` */
export function run(flags: string[], wasm: string, args: string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...pre] = runnerPrefix();
  return exec(cmd!, [...pre, ...flags, wasm, ...args], opts);
}

/** Any goblin subcommand: `goblin ARGS...`. */
export function goblin(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return exec(node, [goblinBin, ...args], opts);
}

export function exec(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GOBLIN_CACHE: testCache, ...opts.env } });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const o = Buffer.concat(out);
      resolve({ code, signal, stdout: o.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), out: new Uint8Array(o) });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
  });
}
