// Namespaces: bind and mount flags, union directories, unmount, lexical '..', the text form.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseLine, formatOp, words } from '../src/ns/text.ts';
import { cleanName } from '../src/ns/walk.ts';
import { MAFTER, MBEFORE, MCREATE } from '../src/ns/namespace.ts';
import { newKernel, runVm } from './lib/kernel.ts';
import { cc } from './lib/cc.ts';
import { run } from './lib/run.ts';

function tree(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'goblin-ns-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(d, p, '..'), { recursive: true });
    if (!p.endsWith('/')) writeFileSync(join(d, p), text);
  }
  return d;
}

const gfs = (ns: string, ...ops: string[]) => runVm(newKernel(), 'gfs', ops, { ns });

test('bind replaces (MREPL): only the new tree shows', async () => {
  const a = tree({ 'x': 'a-x', 'only-a': '' }), b = tree({ 'x': 'b-x', 'only-b': '' });
  const r = await gfs(`bind '#U${a}' /n\nbind '#U${b}' /n`, 'ls', '/n', 'cat', '/n/x');
  assert.equal(r.stdout, 'only-b x\nb-x');
});

test('union: MBEFORE and MAFTER order lookups; listings merge without duplicates', async () => {
  const a = tree({ 'x': 'a-x', 'only-a': '' }), b = tree({ 'x': 'b-x', 'only-b': '' });
  const before = await gfs(`bind '#U${a}' /n\nbind -b '#U${b}' /n`, 'ls', '/n', 'cat', '/n/x', 'cat', '/n/only-a');
  assert.equal(before.stdout, 'only-a only-b x\nb-x');
  const after = await gfs(`bind '#U${a}' /n\nbind -a '#U${b}' /n`, 'ls', '/n', 'cat', '/n/x', 'cat', '/n/only-b');
  assert.equal(after.stdout, 'only-a only-b x\na-x');
});

test('union: creates go to the first MCREATE member, or fail without one', async () => {
  const a = tree({ 'a/': '' }), b = tree({ 'b/': '' });
  const r = await gfs(`bind '#U${a}' /n\nbind -ac '#U${b}' /n`, 'write', '/n/new', 'hi', 'cat', '/n/new');
  assert.equal(r.stdout, 'hi');
  assert.ok(existsSync(join(b, 'new')) && !existsSync(join(a, 'new')));
  const none = await gfs(`bind '#U${a}' /n\nbind -a '#U${b}' /n`, 'write', '/n/other', 'x');
  assert.match(none.stdout, /^write \/n\/other: Permission denied/);
  assert.ok(!existsSync(join(a, 'other')) && !existsSync(join(b, 'other')));
  // the first of several MCREATE members takes it
  const c = tree({}), d = tree({});
  await gfs(`bind -c '#U${c}' /n\nbind -ac '#U${d}' /n`, 'write', '/n/f', 'x');
  assert.ok(existsSync(join(c, 'f')) && !existsSync(join(d, 'f')));
});

test('union: remove and rename act on the member that holds the name', async () => {
  const a = tree({ 'fa': 'a' }), b = tree({ 'fb': 'b' });
  const r = await gfs(`bind -c '#U${a}' /n\nbind -a '#U${b}' /n`, 'rm', '/n/fb', 'ls', '/n');
  assert.equal(r.stdout, 'fa\n');
  assert.ok(!existsSync(join(b, 'fb')));
});

test('unmount drops one member, or the whole mount', async () => {
  const a = tree({ 'fa': '' }), b = tree({ 'fb': '' });
  const ns = `bind '#U${a}' /n\nbind -a '#U${b}' /n`;
  const one = await gfs(`${ns}\nunmount '#U${b}' /n`, 'ls', '/n');
  assert.equal(one.stdout, 'fa\n');
  const all = await gfs(`${ns}\nunmount /n`, 'ls', '/n');
  assert.equal(all.stdout, '\n');
});

test('bind of a namespace path onto another; binding a file onto a file', async () => {
  const r = await gfs('bind /dev /tmp', 'ls', '/tmp');
  assert.equal(r.stdout, 'cons null random zero\n');
  const f = tree({ 'greeting': 'hello' });
  const g = await gfs(`bind '#U${f}' /n\nbind /n/greeting /dev/null`, 'cat', '/dev/null');
  assert.equal(g.stdout, 'hello');
  const bad = await gfs('bind /dev/null /tmp');
  assert.equal(bad.reason, 'link');
  assert.match(bad.message!, /namespace: line 1: bind: file and directory mismatch/);
});

test("'..' is lexical: it climbs the path walked, not the bound tree's parent", async () => {
  const deep = tree({ 'a/b/c': 'deep' });
  // /n is the host dir's a/b; its host parent 'a' must not be what /n/.. shows
  const r = await gfs(`bind '#U${deep}/a/b' /n`, 'ls', '/n/..', 'cat', '/n/../n/c');
  assert.equal(r.stdout, 'dev env n proc tmp\ndeep');
  assert.equal(cleanName('/a/b/../../..'), '/');
  assert.equal(cleanName('a/./b//c/..'), 'a/b');
  assert.equal(cleanName('../x'), '../x');
});

test('mount points are made only in the root skeleton, never in a bound tree', async () => {
  const a = tree({});
  const r = await gfs(`bind '#U${a}' /n\nbind '#c' /n/dev`);
  assert.notEqual(r.code, 0);
  assert.match(r.message ?? r.stderr, /mount point \/n\/dev does not exist/);
  assert.ok(!existsSync(join(a, 'dev')));
});

test('the text form: parse, format, quoting, errors', () => {
  assert.deepEqual(parseLine("bind -bc '#U/it''s here' /n"), { op: 'bind', flags: MBEFORE | MCREATE, args: ["#U/it's here", '/n'] });
  assert.deepEqual(parseLine('mount -a tcp!h!564 /n/h aname'), { op: 'mount', flags: MAFTER, args: ['tcp!h!564', '/n/h', 'aname'] });
  assert.equal(parseLine('# a comment'), null);
  assert.equal(formatOp(parseLine("bind -cb '#c' /dev")!), "bind -bc '#c' /dev");
  assert.equal(formatOp(parseLine("bind /a/b /c")!), 'bind /a/b /c');
  assert.deepEqual(words("a 'b c' d''e"), ['a', 'b c', 'de']);
  assert.throws(() => parseLine('bind /a'), /usage: bind/);
  assert.throws(() => parseLine('bind -x /a /b'), /unknown flag -x/);
  assert.throws(() => parseLine('frob /a /b'), /unknown namespace operation/);
  assert.throws(() => parseLine("bind 'x /b"), /unterminated quote/);
});

test('/proc/N/ns prints text that --ns replays to the same namespace', async () => {
  const a = tree({ 'fa': 'A' }), b = tree({ 'fb': 'B' });
  const nsText = `bind '#U${a}' /n\nbind -ac '#U${b}' /n\nbind /n/fa /dev/zero\n`;
  const first = await gfs(nsText, 'cat', '/proc/1/ns', 'ls', '/n');
  const printed = first.stdout.slice(0, first.stdout.lastIndexOf('bind /n/fa /dev/zero\n') + 'bind /n/fa /dev/zero\n'.length);
  const nsFile = join(tree({}), 'ns');
  writeFileSync(nsFile, printed);
  const again = await run(['--ns', nsFile], cc('gfs'), ['ls', '/n', 'cat', '/dev/zero']);
  assert.equal(again.stdout, 'fa fb\nA');
  assert.equal(first.stdout.slice(printed.length), 'fa fb\n');
});

test('--ns errors name the line', async () => {
  const nsFile = join(tree({}), 'ns');
  writeFileSync(nsFile, "bind '#c' /dev\nbind /nonexistent /tmp\n");
  const r = await run(['--ns', nsFile], cc('gfs'), ['ls', '/']);
  assert.equal(r.code, 126);
  assert.match(r.stderr, /line 2: .*does not exist/);
  assert.ok(!r.stderr.includes('    at '), 'no stack trace');
  assert.equal(readFileSync(nsFile, 'utf8').split('\n').length, 3);
});
