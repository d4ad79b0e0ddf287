// goblin run: arguments, environment, stdio and exit codes pass through; failures are one line.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cc, repoDir } from './lib/cc.ts';
import { goblin, run } from './lib/run.ts';

const noTrace = (s: string) => assert.ok(!/\n\s+at /.test(s), `stack trace in: ${s}`);

test('arguments after APP go to the program unchanged; one -- right after APP is dropped', async () => {
  const r = await run([], cc('wasi_echo_args'), ['--', '-x', '--dir', 'y', '--']);
  assert.equal(r.stdout, 'argc 5\n-x\n--dir\ny\n--\n');
  const r2 = await run([], cc('wasi_echo_args'), ['a', '--', 'b']);
  assert.equal(r2.stdout, 'argc 4\na\n--\nb\n');
});

test('environment, stdin, stdout and the exit code pass through', async () => {
  const r = await run(['--env', 'A=1', '--env', 'B=two words'], cc('gfs'), ['cat', '/env/B', 'cat', '/dev/cons'], { stdin: 'typed' });
  assert.equal(r.stdout, 'two wordstyped');
  const e = await run([], cc('k_trap'), ['exit', '9'], {});
  assert.equal(e.code, 126); // unknown import, without --trap-unknown-imports
  const t = await run(['--trap-unknown-imports'], cc('k_trap'), ['exit', '9']);
  assert.equal(t.code, 9);
});

test('failures are one clear line on stderr with a distinct exit code', async () => {
  const cases: [string[], string, string[], number, RegExp][] = [
    [['--trap-unknown-imports'], cc('k_trap'), ['trap'], 134, /wasm trap: unreachable/],
    [['--trap-unknown-imports'], cc('k_trap'), ['import'], 134, /unknown import env::missing was called/],
    [[], cc('k_trap'), [], 126, /unknown import: env::missing \(function\)/],
    [['--fuel', '100000'], cc('k_spin'), [], 136, /fuel exhausted/],
    [['--timeout', '200ms'], cc('k_spin'), [], 124, /timed out after 200 ms/],
  ];
  for (const [flags, wasm, args, code, msg] of cases) {
    const r = await run(flags, wasm, args);
    assert.equal(r.code, code, `${args}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    noTrace(r.stderr);
  }
  const dir = mkdtempSync(join(tmpdir(), 'goblin-cli-'));
  writeFileSync(join(dir, 'junk.wasm'), 'not wasm at all');
  writeFileSync(join(dir, 'trunc.wasm'), readFileSync(cc('gfs')).subarray(0, 100));
  for (const [f, msg] of [['junk.wasm', /not a WebAssembly module/], ['trunc.wasm', /invalid module/], ['none.wasm', /no such file/]] as const) {
    const r = await run([], join(dir, f));
    assert.ok(r.code === 126 || r.code === 2, `${f}: ${r.code}`);
    assert.match(r.stderr, msg);
    noTrace(r.stderr);
  }
});

test('wrong flags are usage errors (exit 2), never a crash', async () => {
  for (const flags of [['--bogus'], ['--fuel', 'lots'], ['--max-memory', 'huge'], ['--timeout', 'soon']]) {
    const r = await run(flags, cc('gfs'));
    assert.equal(r.code, 2, flags.join(' '));
    assert.match(r.stderr, /^goblin: /);
    noTrace(r.stderr);
  }
  const h = await goblin(['run', '--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /--dir <HOST::GUEST\[:ro\]>/);
});

test('bad --dir, --max-memory and --timeout values are usage errors naming the flag, in every command', async () => {
  const bad: [string, string, RegExp][] = [
    ['--dir', '/tmp', /--dir .*\/tmp: expected HOST::GUEST\[:ro\]/],
    ['--dir', '/tmp::/x:rw', /--dir .*the only suffix is :ro/],
    ['--dir', '/tmp::/x:ro:ro', /--dir .*the only suffix is :ro/],
    ['--dir', '::/x', /--dir .*no host directory before ::/],
    ['--max-memory', '5G', /--max-memory .*more than wasm32 can address \(4G\)/],
    ['--max-memory', '1K', /--max-memory .*less than one wasm page \(64K\)/],
    ['--timeout', '2d', /--timeout .*not a duration: 2d/],
  ];
  for (const [flag, value, why] of bad) {
    for (const cmd of [['run', flag, value, cc('gfs')], ['sh', flag, value, '-c', 'echo no'], ['export', flag, value]]) {
      if (cmd[0] === 'export' && flag !== '--dir') continue;
      const r = await goblin(cmd);
      assert.equal(r.code, 2, cmd.join(' '));
      assert.equal(r.stdout, '', cmd.join(' '));
      assert.match(r.stderr, /^goblin: option '/, cmd.join(' '));
      assert.match(r.stderr, why, cmd.join(' '));
      noTrace(r.stderr);
    }
  }
});

test('--timeout takes ms, s, m and h; sh takes the limits of run', async () => {
  for (const t of ['1500ms', '2s', '0.5m', '1h']) {
    const r = await run(['--timeout', t], cc('gfs'), ['cat', '/dev/null']);
    assert.equal(r.code, 0, `${t}: ${r.stderr}`);
  }
  const spin = await goblin(['sh', '--fuel', '1000', '-c', 'seq 1 100000 | wc -l']);
  assert.match(spin.stderr, /fuel exhausted/);
});

test('an unknown subcommand says so instead of running it as a script', async () => {
  const r = await goblin(['frobnicate', 'x']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'goblin: frobnicate: no such command or script (goblin --help lists the commands)\n');
});

test('--dir binds host directories, :ro read-only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-cli-'));
  writeFileSync(join(dir, 'in'), 'host data');
  const r = await run(['--dir', `${dir}::/data`, '--dir', `${dir}::/ro:ro`], cc('gfs'), ['cat', '/data/in', 'write', '/data/out', 'x', 'write', '/ro/out2', 'y']);
  assert.equal(r.stdout, 'host datawrite /ro/out2: Read-only file system\n');
  assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'x');
});

test('the example app runs as the README says', async () => {
  const r = await run([], join(repoDir, 'examples', 'hello.wasm'), ['a', 'b'], {});
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^hello from a goblin VM\narg 1: a\narg 2: b\n\/ holds: dev env proc tmp\n$/);
});
