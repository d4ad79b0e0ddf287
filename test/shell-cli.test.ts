// `goblin sh` without a terminal: -c, scripts, stdin, exit codes, --dir and --env.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { goblin } from './lib/run.ts';

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
