// The examples in examples/, packed by goblin pack and run as appliances, as the
// README shows them: hello (C), words (an rc script on the rootfs tools, with an
// optional data hole) and lua-hello (a Lua app on the Lua interpreter as its base).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoDir } from './lib/cc.ts';
import { goblin } from './lib/run.ts';

const work = mkdtempSync(join(tmpdir(), 'goblin-examples-'));
const env = { GOBLIN_CACHE: join(work, 'cache') };
const example = (name: string) => join(repoDir, 'examples', name);
let noClang = false;
try { execFileSync('clang', ['--version'], { stdio: 'ignore' }); } catch { noClang = true; }

async function pack(name: string): Promise<string> {
  const out = join(work, `${name}.gob`);
  const r = await goblin(['pack', example(name), '-o', out], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sha256:[0-9a-f]{64} \d+ bytes/);
  return out;
}

test('example_hello_packs_inspects_and_runs', async () => {
  const app = await pack('hello');
  const seen = await goblin(['inspect', app], { env });
  assert.equal(seen.code, 0, seen.stderr);
  assert.match(seen.stdout, /verified {2}yes/);
  assert.match(seen.stdout, /\/share\/hello\/README/);
  const r = await goblin(['run', app], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello from a goblin VM\narg 1: from\narg 2: an\narg 3: appliance\nUSER=goblin\n/ holds: bin share dev env proc tmp\n');
});

test('example_words_counts_the_sample_or_a_data_hole', async () => {
  const app = await pack('words');
  const sample = await goblin(['run', app], { env });
  assert.equal(sample.code, 0, sample.stderr);
  assert.equal(sample.stdout.split('\n')[1]!.trim(), '7 the');
  const data = join(work, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'a.txt'), 'goblin goblin goblin namespace\n');
  writeFileSync(join(data, 'b.txt'), 'namespace goblin\n');
  const mine = await goblin(['run', '--mount-hole', `data=${data}`, app, '2'], { env });
  assert.equal(mine.code, 0, mine.stderr);
  assert.deepEqual(mine.stdout.split('\n').slice(1).map(l => l.trim()), ['4 goblin', '2 namespace', '']);
});

test('example_lua_hello_stands_on_the_lua_base', { skip: noClang && 'clang is not installed' }, async () => {
  execFileSync('bash', [join(example('lua'), 'build.sh')], { stdio: 'ignore' });
  const app = await pack('lua-hello');
  const seen = await goblin(['inspect', '--json', app], { env });
  const d = JSON.parse(seen.stdout) as { files: { path: string }[]; base: { name: string }[] };
  // the app's layer holds only its scripts; the interpreter is the base's
  assert.deepEqual(d.files.map(f => f.path), ['/app', '/app/greet.lua', '/app/main.lua', '/app/sample.txt']);
  assert.deepEqual(d.base.map(b => b.name), ['lua']);
  const r = await goblin(['run', app], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello, world, from Lua in a goblin appliance\n62 words; most frequent: the(7) app(5) and(3)\nfalse\tcaught inside the VM\n');
});
