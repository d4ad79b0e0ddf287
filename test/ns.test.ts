// Namespaces: bind and mount flags, union directories, unmount, lexical '..', the text form.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyText, formatOp, NsTextError, parseLine, parseText, shown, SHOWN, words } from '../src/ns/text.ts';
import { dialMounts } from '../src/node/dial.ts';
import { collect, source } from '../src/kernel/stdio.ts';
import { nodeRootfs } from '../src/node/rootfs.ts';
import { Shell } from '../src/shell/interp.ts';
import { cleanName } from '../src/ns/walk.ts';
import { MAFTER, MBEFORE, MCREATE, Namespace } from '../src/ns/namespace.ts';
import { find, holder, list, type Found, type Listed } from '../src/ns/union.ts';
import { fail, type Errno } from '../src/error.ts';
import { file as fsFile, handle } from '../src/fs/defaults.ts';
import { readFile } from '../src/fs/read-all.ts';
import { RamFs } from '../src/fs/ram.ts';
import { newDev, type Dirent, type File, type FileServer, type Handle } from '../src/fs/types.ts';
import { Client, type RemoteFs } from '../src/fs/remote/client.ts';
import { serverTransport } from '../src/exportfs/loop.ts';
import { Server } from '../src/exportfs/server.ts';
import { decode, encode, NOFID, unpackDirents, type Msg, type MsgOf } from '../src/ninep/index.ts';
import { Kernel } from '../src/wasi/kernel.ts';
import { newKernel, runVm } from './lib/kernel.ts';
import { cc } from './lib/cc.ts';
import { goblin, run } from './lib/run.ts';

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
  // an embedder that shows host paths (as goblin run does): the text names them, so it replays
  const first = await runVm(newKernel({ showHostPaths: true }), 'gfs', ['cat', '/proc/1/ns', 'ls', '/n'], { ns: nsText });
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

// ---- the union rule (ns/union.ts), as the namespace, WASI and the 9P server all use it

const enc = new TextEncoder();

/** A RamFs holding files name → text. */
function ram(files: Record<string, string>): RamFs {
  const r = new RamFs();
  for (const [name, text] of Object.entries(files)) {
    const h = (r.root().create(name, 'file', 0o644, true) as File).open({ read: false, write: true }) as Handle;
    h.write(enc.encode(text), 0);
  }
  return r;
}

/** A directory whose lookups of `name` fail with errno (others: ENOENT) and whose listing fails with listErrno. */
function failing(errno: Errno, opts: { later?: boolean; listErrno?: Errno } = {}): FileServer {
  const dev = newDev();
  const later = <T>(f: () => T): T | Promise<T> => (opts.later ? Promise.resolve().then(f) : f());
  const root = fsFile({
    qid: { dev, path: 1, type: 'dir' as const },
    stat: () => ({ type: 'dir' as const, dev, ino: 1, mode: 0o755, nlink: 1, size: 0, atime: 0n, mtime: 0n, ctime: 0n }),
    open: () => handle({
      seekable: true, read: () => 0, write: () => 0,
      readdir: () => later(() => {
        if (opts.listErrno) throw fail(opts.listErrno);
        return [{ name: '.', type: 'dir' as const, ino: 1 }, { name: '..', type: 'dir' as const, ino: 1 }, { name: 'x', type: 'file' as const, ino: 99 }];
      }),
    }),
    walk: (n: string): Promise<File> | File => later(() => { throw fail(n === 'x' ? errno : 'ENOENT'); }),
  });
  return { dev, name: 'failing', synchronous: !opts.later, root: () => root };
}

/** A namespace whose root is a union of the given servers, in order. */
function unionOf(...servers: FileServer[]): Namespace {
  const ns = new Namespace(servers[0]!.root(), () => { throw fail('ENOENT'); });
  for (const s of servers.slice(1)) ns.bind(ns.chan(s.root()), ns.root, MAFTER, 'bind -a');
  return ns;
}

const text = async (f: File) => new TextDecoder().decode(await readFile(f));

/** The namespace served by the 9P server and mounted back through the 9P client. */
async function ninep(ns: Namespace): Promise<RemoteFs> {
  const client = await Client.connect(serverTransport(new Server({ exports: { '': ns } })));
  return client.attach('');
}

test('union lookup: ENOENT falls through to the next member, in order', async () => {
  const a = ram({ x: 'a-x' }), b = ram({ x: 'b-x', y: 'b-y' });
  for (const first of [failing('ENOENT'), failing('ENOENT', { later: true })]) {
    const ns = unionOf(first, a, b);
    const x = (await find(ns.root, 'x')) as Found;
    assert.equal(x.dir, ns.root.union![1]!.file);
    assert.equal(await text(x.file), 'a-x');
    const y = await ns.step(ns.root, 'y');
    assert.equal(await text(y.file), 'b-y');
    assert.equal(await holder(ns.root, 'y'), ns.root.union![2]!.file);
    await assert.rejects(async () => find(ns.root, 'none'), { errno: 'ENOENT' });
  }
});

test('union lookup: a member failing with EACCES or EIO is reported, not skipped', async () => {
  const b = ram({ x: 'b-x', y: 'b-y' });
  for (const [errno, later] of [['EACCES', false], ['EIO', false], ['EACCES', true], ['EIO', true]] as const) {
    const ns = unionOf(failing(errno, { later }), b);
    await assert.rejects(async () => find(ns.root, 'x'), { errno });
    await assert.rejects(async () => ns.step(ns.root, 'x'), { errno });
    await assert.rejects(async () => holder(ns.root, 'x'), { errno });
    assert.equal(await text((await ns.step(ns.root, 'y')).file), 'b-y', 'a name the failing member does not have is found after it');
  }
  // the same through a VM (WASI) and through the 9P server
  const k = new Kernel({ device: s => (s === '#bad' ? failing('EACCES') : s === '#b' ? b : undefined) });
  const r = await runVm(k, 'gfs', ['cat', '/n/x', 'cat', '/n/y'], { ns: "bind '#bad' /n\nbind -a '#b' /n" });
  assert.equal(r.stdout, 'cat /n/x: Permission denied\nb-y');
  const remote = await ninep(unionOf(failing('EIO'), b));
  await assert.rejects(async () => remote.root().walk('x'), { errno: 'EIO' });
  assert.equal(await text(await remote.root().walk('y')), 'b-y');
  remote.close();
});

test('union listing: members in order, the first entry of each name kept, no . or ..', async () => {
  const a = ram({ x: 'a-x', only: '' }), b = ram({ x: 'b-x', y: '' });
  const ns = unionOf(a, failing('EACCES'), b);
  const listed = (await list(ns.root)) as Listed[];
  assert.deepEqual(listed.map(l => l.ent.name), ['x', 'only', 'y']);
  assert.equal(listed[0]!.dir, ns.root.union![0]!.file, 'x is the first member\'s');
  assert.equal(listed[0]!.ent.ino, (a.root().walk('x') as File).qid.path);
  assert.deepEqual(((await ns.list(ns.root)) as Dirent[]).map(e => e.name), ['x', 'only', 'y']);
  // a member's own . and .. are dropped: WASI adds its own (gfs counts them), 9P2000.L likewise
  const k = new Kernel({ device: s => (s === '#dots' ? failing('ENOENT') : s === '#a' ? a : undefined) });
  const r = await runVm(k, 'gfs', ['ls', '/n'], { ns: "bind '#dots' /n\nbind -a '#a' /n" });
  assert.equal(r.stdout, 'only x\n');
  const srv = new Server({ exports: { '': unionOf(failing('ENOENT'), a) } });
  let session!: ReturnType<Server['connect']>;
  const replies: Uint8Array[] = [];
  session = srv.connect({ send: m => { replies.push(m.slice()); }, close() {} });
  const L = '9P2000.L';
  const rpc = async (m: Msg): Promise<Msg> => {
    session.receive(encode(m, L));
    for (let i = 0; i < 100 && !replies.length; i++) await new Promise(res => setImmediate(res));
    return decode(replies.shift()!, L) as Msg;
  };
  await rpc({ kind: 'Tversion', tag: 0xffff, msize: 65536, version: L });
  await rpc({ kind: 'Tattach', tag: 1, fid: 0, afid: NOFID, uname: 'u', aname: '', n_uname: 0 });
  await rpc({ kind: 'Tlopen', tag: 2, fid: 0, flags: 0 });
  const rd = await rpc({ kind: 'Treaddir', tag: 3, fid: 0, offset: 0n, count: 4096 });
  assert.equal(rd.kind, 'Rreaddir');
  const names = (unpackDirents((rd as MsgOf<'Rreaddir'>).data) as { name: string }[]).map(e => e.name);
  assert.deepEqual(names, ['.', '..', 'x', 'only']);
});

test('union listing: a member that fails is the listing\'s error', async () => {
  const a = ram({ x: '' });
  for (const later of [false, true]) {
    const ns = unionOf(a, failing('ENOENT', { later, listErrno: 'EIO' }));
    await assert.rejects(async () => list(ns.root), { errno: 'EIO' });
  }
  const k = new Kernel({ device: s => (s === '#bad' ? failing('ENOENT', { listErrno: 'EIO' }) : s === '#a' ? a : undefined) });
  const r = await runVm(k, 'gfs', ['ls', '/n'], { ns: "bind '#a' /n\nbind -a '#bad' /n" });
  assert.equal(r.stdout, 'ls /n: I/O error\n');
  const remote = await ninep(unionOf(a, failing('ENOENT', { listErrno: 'EIO' })));
  const h = await remote.root().open({ read: true, write: false });
  await assert.rejects(async () => h.readdir(), { errno: 'EIO' });
  h.close();
  remote.close();
});

// ---- the text parser: a bad line is an error naming it, wherever the text is read

test('the text form: a bad line is an NsTextError naming its line and what was wrong', () => {
  const bad: [string, RegExp][] = [
    ['frob /a /b', /^line 3: unknown namespace operation 'frob'$/],
    ['bind -x /a /b', /^line 3: bind: unknown flag -x \(usage: bind \[-abc\] new old\)$/],
    ['bind /a', /^line 3: bind: missing argument/],
    ['mount tcp!h!564', /^line 3: mount: missing argument/],
    ['bind /a /b /c', /^line 3: bind: too many arguments/],
    ['unmount -a /b', /^line 3: unmount: takes no flags/],
    ["bind '#c /dev", /^line 3: unterminated quote/],
  ];
  for (const [line, want] of bad) {
    const e = (() => { try { parseText(`bind '#c' /dev\n# fine\n${line}\nbind '#e' /env\n`); } catch (e) { return e; } })();
    assert.ok(e instanceof NsTextError, line);
    assert.equal(e.errno, 'EINVAL');
    assert.equal(e.line, 3);
    assert.match(e.message, want);
  }
  assert.deepEqual(parseText("\n# c\nbind -a '#c' /dev\n").map(l => [l.line, l.op.op, l.op.flags]), [[3, 'bind', MAFTER]]);
});

test('the text form: nothing of a text with a bad line is applied; a failing line is named', async () => {
  const ram = new RamFs();
  const ns = new Namespace(ram.root(), () => new RamFs());
  assert.throws(() => applyText(ns, "bind '#a' /\nbind -z '#b' /\n"), (e: unknown) =>
    e instanceof NsTextError && /^line 2: bind: unknown flag -z/.test(e.message));
  assert.deepEqual(ns.log, []);
  assert.throws(() => applyText(ns, "bind -a '#a' /\nbind /nowhere /\n"), (e: unknown) =>
    e instanceof NsTextError && e.line === 2 && e.errno === 'ENOENT' && e.reason.length > 0);
  // the other readers of namespace text: the mounts a text dials, the shell's builtins, the CLI
  await assert.rejects(dialMounts("mount tcp!127.0.0.1!1 /n\nmount\n"), (e: unknown) => e instanceof NsTextError && e.line === 2);
  const out = collect(), err = collect();
  const sh = new Shell({ kernel: new Kernel(), rootfs: nodeRootfs(), stdout: out, stderr: err, stdin: source('') });
  await sh.run('bind -x /tmp /n; echo $status; unmount -a /n; bind /tmp; echo done');
  assert.equal(err.text(), 'bind: unknown flag -x (usage: bind [-abc] new old)\nunmount: takes no flags (-a)\nbind: missing argument (usage: bind [-abc] new old)\n');
  assert.equal(out.text(), 'bind: unknown flag -x (usage: bind [-abc] new old)\ndone\n');
  const nsFile = join(tree({}), 'ns');
  writeFileSync(nsFile, "bind '#c' /dev\nbind -q /tmp /n\n");
  const r = await run(['--ns', nsFile], cc('gfs'), ['ls', '/']);
  assert.equal(r.code, 126);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /line 2: bind: unknown flag -q/);
});

test('the text form: an error shows at most a clip of the text, non-printing bytes escaped', async () => {
  const junk = '\x00\x01\x7fELF\x1b[2J' + 'x'.repeat(500);
  const e = (() => { try { parseText(`bind '#c' /dev\n${junk} /a /b\n`); } catch (e) { return e; } })();
  assert.ok(e instanceof NsTextError);
  assert.equal(e.message, `line 2: unknown namespace operation '\\x00\\x01\\x7fELF\\x1b[2J${'x'.repeat(SHOWN - 22)}...'`);
  assert.throws(() => parseText(`bind 'a\tb${'y'.repeat(100)}`), (e: unknown) =>
    e instanceof NsTextError && e.message === `line 1: unterminated quote in 'bind 'a\\x09b${'y'.repeat(SHOWN - 12)}...'`);
  // printable text, quotes and all, is shown as it is; bytes that were not UTF-8 show as U+FFFD
  assert.equal(shown("it's fine: ünïcödé"), "it's fine: ünïcödé");
  assert.equal(shown('\ufffd\u0085'), '\\ufffd\\x85');
  // a binary file given to --ns: one short printable line, from goblin run and goblin sh
  const nsFile = join(tree({}), 'ns');
  const bytes = new Uint8Array(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) % 256;
  writeFileSync(nsFile, bytes);
  for (const r of [await run(['--ns', nsFile], cc('gfs'), ['ls', '/']), await goblin(['sh', '--ns', nsFile, '-c', 'echo not reached'])]) {
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.ok(r.stderr.length < 250, r.stderr);
    assert.match(r.stderr, /^goblin: .*namespace: line \d+: [\x20-\x7e]+\n$/);
  }
});
