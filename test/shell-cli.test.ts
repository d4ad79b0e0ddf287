// `goblin sh` without a terminal: -c, scripts, stdin, exit codes, --dir and --env.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { goblin, goblinBin, node } from './lib/run.ts';

test('sh_c_runs_a_command_with_arguments', async () => {
  const r = await goblin(['sh', '-c', 'echo $#* $*; echo err >[1=2]', 'a', 'b']);
  assert.equal(r.stdout, '2 a b\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(r.code, 0);
});

test('sh_exit_code_is_the_last_status', async () => {
  assert.equal((await goblin(['sh', '-c', 'true'])).code, 0);
  assert.equal((await goblin(['sh', '-c', 'false'])).code, 1);
  assert.equal((await goblin(['sh', '-c', 'exit 7'])).code, 7);
  assert.equal((await goblin(['sh', '-c', 'exit oops'])).code, 1);
  assert.equal((await goblin(['sh', '-c', 'false | true'])).code, 1);
  const syntax = await goblin(['sh', '-c', 'echo (']);
  assert.equal(syntax.code, 1);
  assert.equal(syntax.stderr, 'rc: line 1 col 7: syntax error near end of input\n');
});

test('sh_script_file_and_stdin', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-sh-'));
  const script = join(dir, 'hello.rc');
  writeFileSync(script, '#!/bin/rc\necho script $*\nexit $1\n');
  const r = await goblin(['sh', script, '3', 'x']);
  assert.deepEqual([r.stdout, r.code], ['script 3 x\n', 3]);
  const bare = await goblin([script, '0']);
  assert.deepEqual([bare.stdout, bare.code], ['script 0\n', 0], '`goblin SCRIPT` is `goblin sh SCRIPT`');
  const piped = await goblin([], { stdin: 'echo from stdin\nseq 2\n' });
  assert.deepEqual([piped.stdout, piped.code], ['from stdin\n1\n2\n', 0]);
  const missing = await goblin(['sh', join(dir, 'nope.rc')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^goblin: .*nope\.rc: /);
});

test('sh_sees_host_files_only_through_dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-sh-'));
  writeFileSync(join(dir, 'data.txt'), 'one\ntwo\n');
  const none = await goblin(['sh', '-c', `ls ${dir}`]);
  assert.notEqual(none.code, 0);
  const r = await goblin(['sh', '--dir', `${dir}::/n/data`, '-c', 'wc -l < /n/data/data.txt; echo new > /n/data/out; ls /n/data']);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, '      2\n/n/data/data.txt\n/n/data/out\n');
  const ro = await goblin(['sh', '--dir', `${dir}::/n/data:ro`, '-c', 'echo x > /n/data/out2']);
  assert.match(ro.stderr, /read-only/);
});

test('sh_env_sets_variables', async () => {
  const r = await goblin(['sh', '--env', 'greeting=hello', '-c', 'echo $greeting; ~ $#HOME 0 && echo no host env']);
  assert.equal(r.stdout, 'hello\nno host env\n');
});

test('sh_e_ends_at_a_failure_and_x_traces', async () => {
  const e = await goblin(['sh', '-e', '-c', 'echo one; false; echo not reached']);
  assert.deepEqual([e.stdout, e.code], ['one\n', 1]);
  const x = await goblin(['sh', '-x', '-c', "echo 'a b' c"]);
  assert.deepEqual([x.stdout, x.stderr], ['a b c\n', "echo 'a b' c\n"]);
  const flags = await goblin(['sh', '-c', 'flag c && echo c; flag i || echo not i; flag e || echo not e']);
  assert.equal(flags.stdout, 'c\nnot i\nnot e\n');
});

test('sh_runs_sigexit_at_the_end_and_keeps_the_status', async () => {
  const r = await goblin(['sh', '-c', 'fn sigexit { echo bye $status; true }; echo hi; exit 3']);
  assert.deepEqual([r.stdout, r.code], ['hi\nbye 3\n', 3]);
  const end = await goblin(['sh', '-c', 'fn sigexit { echo bye }; false']);
  assert.deepEqual([end.stdout, end.code], ['bye\n', 1]);
});

/** Runs `goblin sh -c script`, sends it signal once it has printed `ready`, and collects what it did. */
function signalled(script: string, signal: NodeJS.Signals): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [goblinBin, 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '', sent = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (!sent && out.includes('ready\n')) { sent = true; child.kill(signal); }
    });
    child.on('error', reject);
    child.on('close', code => { clearTimeout(timer); resolve({ out, code }); });
  });
}

test('sh_signals_run_the_note_functions_or_end_the_shell', async () => {
  const wait = 'echo ready; sleep 1; echo after';
  const term = await signalled(`fn sigterm { echo term }; fn sigexit { echo bye }; ${wait}`, 'SIGTERM');
  assert.deepEqual(term, { out: 'ready\nterm\nafter\nbye\n', code: 0 });
  const hup = await signalled(`fn sighup { echo hup }; ${wait}`, 'SIGHUP');
  assert.deepEqual(hup, { out: 'ready\nhup\nafter\n', code: 0 });
  // an interrupt kills the running command; with fn sigint the script goes on
  const int = await signalled(`fn sigint { echo int }; echo ready; sleep 20; echo after $status`, 'SIGINT');
  assert.deepEqual(int, { out: 'ready\nint\nafter 137\n', code: 0 });
  // without the function a signal ends the shell as it would end a process, and sigexit does not run
  const plain = await signalled(`fn sigexit { echo bye }; echo ready; sleep 20; echo not reached`, 'SIGTERM');
  assert.deepEqual(plain, { out: 'ready\n', code: 143 });
});

test('sh_without_a_terminal_keeps_no_history', async () => {
  const home = mkdtempSync(join(tmpdir(), 'goblin-sh-'));
  // compiled programs are kept in the cache directory, which is not history: kept elsewhere here
  const cache = mkdtempSync(join(tmpdir(), 'goblin-sh-cache-'));
  const env = { ...process.env, HOME: home, XDG_STATE_HOME: '', GOBLIN_CACHE: cache };
  const r = await goblin(['sh', '-c', 'echo hi'], { env });
  assert.equal(r.stdout, 'hi\n');
  const piped = await goblin([], { stdin: 'echo piped\n', env });
  assert.equal(piped.stdout, 'piped\n');
  assert.deepEqual(readdirSync(home), []);
  assert.ok(!existsSync(join(home, '.local')));
});
