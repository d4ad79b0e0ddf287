// Runs a C guest from test/c and turns its report into node:test subtests.
//
// Protocol (every wasi_*.c and escape_*.c follows it): one line per check,
//   ok NAME
//   FAIL NAME: why            (why may say "errno 44", shown here as ENOENT(44))
// then a summary line "# N checks, M failed"; the guest exits non-zero when M > 0.
// Other lines are ignored. A missing summary means the guest died part way.
//
// Under node:wasi (GOBLIN_RUNNER naming nodewasi-run) a check listed in the
// caller's `nodeWasiKnown` table becomes a todo with the recorded reason, so the
// suite documents where node:wasi departs from the expected WASI behaviour
// instead of hiding it; under goblin every check must pass.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { cc } from './cc.ts';
import { run, type RunResult } from './run.ts';

/** WASI preview 1 errno names, indexed by value (see the witx `errno` enum). */
export const errnoNames = [
  'SUCCESS', '2BIG', 'ACCES', 'ADDRINUSE', 'ADDRNOTAVAIL', 'AFNOSUPPORT', 'AGAIN', 'ALREADY',
  'BADF', 'BADMSG', 'BUSY', 'CANCELED', 'CHILD', 'CONNABORTED', 'CONNREFUSED', 'CONNRESET',
  'DEADLK', 'DESTADDRREQ', 'DOM', 'DQUOT', 'EXIST', 'FAULT', 'FBIG', 'HOSTUNREACH', 'IDRM',
  'ILSEQ', 'INPROGRESS', 'INTR', 'INVAL', 'IO', 'ISCONN', 'ISDIR', 'LOOP', 'MFILE', 'MLINK',
  'MSGSIZE', 'MULTIHOP', 'NAMETOOLONG', 'NETDOWN', 'NETRESET', 'NETUNREACH', 'NFILE', 'NOBUFS',
  'NODEV', 'NOENT', 'NOEXEC', 'NOLCK', 'NOLINK', 'NOMEM', 'NOMSG', 'NOPROTOOPT', 'NOSPC',
  'NOSYS', 'NOTCONN', 'NOTDIR', 'NOTEMPTY', 'NOTRECOVERABLE', 'NOTSOCK', 'NOTSUP', 'NOTTY',
  'NXIO', 'OVERFLOW', 'OWNERDEAD', 'PERM', 'PIPE', 'PROTO', 'PROTONOSUPPORT', 'PROTOTYPE',
  'RANGE', 'ROFS', 'SPIPE', 'SRCH', 'STALE', 'TIMEDOUT', 'TXTBSY', 'XDEV', 'NOTCAPABLE',
] as const;

export function errnoName(n: number): string {
  const name = errnoNames[n];
  return name === undefined ? `errno ${n}` : `E${name}(${n})`;
}

/** Rewrites every "errno N" in a guest message as "ENAME(N)". */
export function explain(why: string): string {
  return why.replace(/errno (\d+)/g, (_, n: string) => errnoName(Number(n)));
}

/** True when the suite runs against node:wasi's reference runner. */
export const underNodeWasi = /nodewasi/.test(process.env.GOBLIN_RUNNER ?? '');

export interface Check { name: string; ok: boolean; why: string }
export interface Report { checks: Check[]; summary: { total: number; failed: number } | null }

export function parseReport(stdout: string): Report {
  const checks: Check[] = [];
  let summary: Report['summary'] = null;
  for (const line of stdout.split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^ok (\S+)$/))) checks.push({ name: m[1]!, ok: true, why: '' });
    else if ((m = line.match(/^FAIL (\S+?):? (.*)$/))) checks.push({ name: m[1]!, ok: false, why: explain(m[2]!) });
    else if ((m = line.match(/^# (\d+) checks, (\d+) failed$/))) summary = { total: Number(m[1]), failed: Number(m[2]) };
  }
  return { checks, summary };
}

/** A fresh host directory for one run, canonical (no symlinks in its own path). */
export function tempDir(tag: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), `goblin-${tag}-`)));
}

/** A temp tree T with the guest's root at T/root, so a `..` that got through lands in T, never in /tmp. */
export function tempRoot(tag: string): { top: string; root: string; cleanup: () => void } {
  const top = tempDir(tag);
  const root = join(top, 'root');
  mkdirSync(root);
  return { top, root, cleanup: () => rmSync(top, { recursive: true, force: true }) };
}

export interface GuestOptions {
  flags?: string[];
  args?: string[];
  stdin?: string;
  timeoutMs?: number;
  /**
   * check name -> why node:wasi fails it (a todo under node:wasi, a failure elsewhere);
   * or a function of the name and the failure message giving that reason.
   */
  nodeWasiKnown?: Record<string, string> | ((name: string, why: string) => string | undefined);
  /**
   * check name -> why the call hangs or crashes node:wasi. Under node:wasi these are
   * skipped (the guest reads GOBLIN_TEST_SKIP) and reported as todos.
   */
  nodeWasiCrashes?: Record<string, string>;
}

/**
 * Compiles test/c/PROGRAM.c, runs it, and reports each check as a subtest of `t`.
 * Fails when a check fails, the summary is missing, names repeat, or the exit code
 * is not 0. Returns the raw result for further host-side assertions.
 */
export async function runChecks(t: TestContext, program: string, opts: GuestOptions = {}): Promise<RunResult> {
  const wasm = cc(program);
  const crashes = underNodeWasi ? opts.nodeWasiCrashes ?? {} : {};
  const skip = Object.keys(crashes).length ? ['--env', `GOBLIN_TEST_SKIP=${Object.keys(crashes).join(',')}`] : [];
  const r = await run([...skip, ...(opts.flags ?? [])], wasm, opts.args ?? [], { stdin: opts.stdin ?? '', timeoutMs: opts.timeoutMs ?? 60_000 });
  const { checks, summary } = parseReport(r.stdout);
  const table = typeof opts.nodeWasiKnown === 'object' ? opts.nodeWasiKnown : {};
  const rule = typeof opts.nodeWasiKnown === 'function' ? opts.nodeWasiKnown : () => undefined;
  const knownReason = (c: Check) => crashes[c.name] ?? table[c.name] ?? rule(c.name, c.why);
  const seen = new Set<string>();
  let unexpected = 0;
  for (const c of checks) {
    assert.ok(!seen.has(c.name), `check name ${c.name} repeats in ${program}.c`);
    seen.add(c.name);
    const reason = underNodeWasi && !c.ok ? knownReason(c) : undefined;
    if (!c.ok && reason === undefined) unexpected++;
    await t.test(c.name, reason ? { todo: `node:wasi: ${reason}` } : {}, () => {
      if (!c.ok) assert.fail(`${c.name}: ${c.why}`);
    });
  }
  const tail = `exit ${r.code ?? r.signal}; stderr: ${r.stderr.slice(0, 2000)}`;
  assert.ok(summary, `${program} printed no summary line (it died part way?) ${tail}`);
  assert.equal(summary.total, checks.length, `${program}: summary counts ${summary.total} checks, saw ${checks.length}`);
  if (unexpected === 0 && underNodeWasi) return r; // its failures are all recorded ones
  const failing = checks.filter(c => !c.ok && !(underNodeWasi && knownReason(c))).map(c => `${c.name}: ${c.why}`);
  assert.deepEqual(failing, [], `${program}: failing checks`);
  assert.equal(r.code, 0, `${program} exit code; ${tail}`);
  return r;
}

/**
 * A host-side assertion as a subtest; `nodeWasiReason` marks it as a todo under
 * node:wasi (where it is known to fail for that reason).
 */
export function hostCheck(t: TestContext, name: string, fn: () => void, nodeWasiReason?: string): Promise<void> {
  return t.test(name, underNodeWasi && nodeWasiReason ? { todo: `node:wasi: ${nodeWasiReason}` } : {}, fn);
}
