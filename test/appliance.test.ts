// Appliances through the library: pack() writes one, kernel.load() reads and
// verifies it (and its bases), spawn({ appliance, holes }) runs it in its image.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Appliance } from '../src/appliance/appliance.ts';
import { canonicalJson, hex, sha256, type Manifest } from '../src/appliance/format.ts';
import { BadAppliance, unpack } from '../src/appliance/read.ts';
import { pack, type PackInput } from '../src/appliance/write.ts';
import { collect } from '../src/kernel/stdio.ts';
import type { Hole } from '../src/kernel/appliance.ts';
import type { KernelHost } from '../src/kernel/kernel.ts';
import type { ProgramStore, StoredProgram } from '../src/kernel/program.ts';
import type { File, FileServer, Handle } from '../src/fs/types.ts';
import { RamFs } from '../src/fs/ram.ts';
import { checkManifest } from '../src/node/manifest.ts';
import { HostFs } from '../src/node/hostfs.ts';
import { ROOTFS_BIN } from '../src/node/rootfs.ts';
import { Kernel } from '../src/wasi/kernel.ts';
import { program } from './lib/kernel.ts';

const enc = new TextEncoder(), dec = new TextDecoder();
const probe = program('appliance_probe');

const file = (path: string, text: string | Uint8Array, mode = 0o644) => ({ path, mode, data: typeof text === 'string' ? enc.encode(text) : text });
const dirsOf = (files: { path: string }[]) => [...new Set(files.flatMap(f => {
  const parts = f.path.split('/').slice(1, -1);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}))].sort().map(path => ({ path, mode: 0o755 }));

function manifest(m: Partial<Manifest> = {}): Manifest {
  return { name: 'probe', version: '1', entry: '/bin/probe', ...m };
}

/** An appliance's bytes: the probe at /bin/probe (unless left out) and the files given. */
function packApp(m: Partial<Manifest>, files: ReturnType<typeof file>[] = [], o: { base?: PackInput['base']; noProbe?: boolean } = {}): Promise<Uint8Array> {
  const all = [...(o.noProbe ? [] : [file('/bin/probe', probe, 0o755)]), ...files];
  return pack({ manifest: manifest(m), base: o.base ?? null, dirs: dirsOf(all), files: all });
}

/** Appliances by digest, as a cache would find them. */
function shelf(...apps: Uint8Array[]) {
  const by = new Map<string, Uint8Array>();
  const add = async (b: Uint8Array) => { by.set((await unpack(b)).digest, b); };
  return { ready: Promise.all(apps.map(add)), findBase: async (digest: string) => by.get(digest) ?? null, add };
}

const baseRef = async (b: Uint8Array) => ({ digest: (await unpack(b)).digest, hint: null });

function kernel(host: KernelHost = {}): Kernel {
  return new Kernel({ hostDir: (path, ro) => new HostFs(path, ro), appliances: { checkManifest }, ...host });
}

/** Runs an appliance to its end. */
async function runApp(k: Kernel, app: Appliance, spec: { args?: string[]; env?: Record<string, string>; holes?: Record<string, Hole>; limits?: { fuel?: number }; seed?: number } = {}) {
  const out = collect(), err = collect();
  const st = await k.spawn({ appliance: app, stdout: out, stderr: err, ...spec }).exit;
  return { ...st, stdout: out.text(), stderr: err.text() };
}

async function rejects(p: Promise<unknown>, why: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof BadAppliance, `not a BadAppliance: ${String(e)}`);
    assert.match((e as Error).message, why);
    return true;
  });
}

function put(dir: File, name: string, text: string): void {
  const f = dir.create(name, 'file', 0o644, true) as File;
  const h = f.open({ read: false, write: true, truncate: true }) as Handle;
  h.write(enc.encode(text), 0);
  h.close();
}
function readRam(fs: FileServer, name: string): string {
  const f = fs.root().walk(name) as File;
  const h = f.open({ read: true, write: false }) as Handle;
  const buf = new Uint8Array(4096);
  const n = h.read(buf, 0) as number;
  h.close();
  return dec.decode(buf.subarray(0, n));
}

// --- the format ---

test('pack_deterministic: input order and modes other than the exec bit do not change the bytes', async () => {
  const files = [file('/bin/probe', probe, 0o755), file('/a/x', 'x'), file('/a/y', 'y'.repeat(500)), file('/b', 'b')];
  const one = await pack({ manifest: manifest({ env: { B: '2', A: '1' } }), base: null, dirs: dirsOf(files), files });
  const shuffled = [files[2]!, files[0]!, files[3]!, files[1]!].map(f => ({ ...f, mode: f.mode & 0o111 ? 0o700 : 0o600 }));
  const two = await pack({ manifest: manifest({ env: { A: '1', B: '2' } }), base: null, dirs: dirsOf(files).reverse().map(d => ({ ...d, mode: 0o700 })), files: shuffled });
  assert.deepEqual(one, two);
  const u = await unpack(one);
  assert.equal(u.digest, `sha256:${hex(await sha256(one.subarray(0, one.length - 32)))}`);
  assert.deepEqual(u.index.files.map(e => `${e.path} ${e.mode.toString(8)}`), ['/a 755', '/a/x 644', '/a/y 644', '/b 644', '/bin 755', '/bin/probe 755']);
  // the index is canonical JSON
  const n = new DataView(one.buffer, one.byteOffset).getUint32(12, true);
  const text = dec.decode(one.subarray(16, 16 + n));
  assert.equal(text, canonicalJson(JSON.parse(text)));
});

test('unpack_every_cut_and_every_flip: no prefix and no single changed byte is ever accepted', async () => {
  const b = await packApp({}, [file('/share/a', 'a\n'), file('/share/big', 'z'.repeat(300))], { noProbe: true });
  const good = await unpack(b);
  assert.equal(dec.decode(good.contents.get('/share/a')), 'a\n');
  for (let cut = 0; cut < b.length; cut++) await rejects(unpack(b.subarray(0, cut)), /truncated|not valid JSON|not an appliance/);
  for (let at = 0; at < b.length; at++) {
    const c = new Uint8Array(b);
    c[at]! ^= 0x01;
    await assert.rejects(unpack(c), BadAppliance, `byte ${at} changed and accepted`);
  }
});

test('load_checks_manifest: a manifest that breaks the schema is a BadAppliance naming the field', async () => {
  const b = await packApp({ limits: { memory: 'lots' } });
  const k = kernel();
  await rejects(k.load(b), /^manifest: limits\.memory: "lots" is not a size/);
  // without a checker it loads, and the kernel still refuses the bad limit when it spawns
  const app = await Appliance.load(b);
  assert.throws(() => k.spawn({ appliance: app }), /limits\.memory: not a size: lots/);
  await rejects(kernel().load(await packApp({ entry: '/bin/none' })), /entry \/bin\/none is not a file of the image/);
});

// --- layering ---

test('image_layers: three layers; upper files win, directories merge, a file hides a directory and a directory a file', async () => {
  const os = await packApp({ name: 'os' }, [file('/share/a', 'os a'), file('/share/b', 'os b'), file('/share/c', 'os c'), file('/share/d/x', 'os d/x'), file('/etc/f/inner', 'os f/inner'), file('/etc/g', 'os g')]);
  const base = await packApp({ name: 'base' }, [file('/share/a', 'base a'), file('/share/b', 'base b'), file('/share/d/y', 'base d/y')], { base: await baseRef(os), noProbe: true });
  const app = await packApp({ name: 'app' }, [file('/share/b', 'app b'), file('/share/e', 'app e'), file('/etc/f', 'app f'), file('/etc/g/inner', 'app g/inner')], { base: await baseRef(base), noProbe: true });
  const s = shelf(os, base);
  await s.ready;
  const k = kernel({ appliances: { checkManifest, findBase: s.findBase } });
  const a = await k.load(app);
  assert.deepEqual(a.chain().map(x => x.manifest.name), ['app', 'base', 'os']);
  const fs = a.fs();
  const read = (p: string) => { const d = fs.read(p); return d && dec.decode(d); };
  assert.equal(read('/share/a'), 'base a');
  assert.equal(read('/share/b'), 'app b');
  assert.equal(read('/share/c'), 'os c');
  assert.equal(read('/share/d/x'), 'os d/x');
  assert.equal(read('/share/d/y'), 'base d/y');
  assert.equal(read('/etc/f'), 'app f');
  assert.equal(read('/etc/f/inner'), null);
  assert.equal(read('/etc/g'), null);
  assert.equal(read('/etc/g/inner'), 'app g/inner');
  // the entry comes from the bottom layer, and runs there
  const r = await runApp(k, a, { args: ['cat', '/share/a', 'cat', '/share/b', 'ls', '/share', 'ls', '/share/d', 'ls', '/etc/g'] });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, 'base aapp ba\nb\nc\nd\ne\nx\ny\ninner\n');
  assert.equal(a.entryDigest(), hex(await sha256(probe)));
  // a missing base, or one that is not the one recorded
  await rejects(kernel({ appliances: { findBase: async () => null } }).load(app), /^base sha256:[0-9a-f]{64} not found$/);
  await rejects(kernel({ appliances: { findBase: async () => os } }).load(app), /is sha256:[0-9a-f]{64}, not the sha256:[0-9a-f]{64} this appliance was packed on/);
});

test('image_readonly: the image refuses every change; /tmp and the rootfs /bin under the image are there', async () => {
  const b = await packApp({}, [file('/share/a', 'a'), file('/bin/cat', 'not the rootfs cat')]);
  const k = kernel({ bin: () => new HostFs(ROOTFS_BIN, true) });
  const app = await k.load(b);
  const r = await runApp(k, app, { args: ['write', '/share/a', 'x', 'write', '/share/new', 'x', 'write', '/tmp/t', 'tmp', 'cat', '/tmp/t', 'ls', '/bin'] });
  assert.equal(r.code, 2, r.stdout);
  const lines = r.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['write /share/a: Read-only file system', 'write /share/new: Read-only file system', 'tmpcat']);
  for (const t of ['ls', 'probe', 'sha256sum', 'wc']) assert.ok(lines.includes(t), `${t} missing from /bin`);
  // the image's own /bin/cat hides the rootfs's
  const cat = await runApp(k, app, { args: ['cat', '/bin/cat'] });
  assert.equal(cat.stdout, 'not the rootfs cat');
  // without a host /bin, only the image's
  const bare = kernel();
  assert.equal((await runApp(bare, await bare.load(b), { args: ['ls', '/bin'] })).stdout, 'cat\nprobe\n');
});

// --- holes ---

test('holes_file_server: a RamFs fills a hole; the app reads and writes it', async () => {
  const b = await packApp({ args: ['cat', '/data/in', 'write', '/data/out', 'from the app'], mounts: { data: { path: '/data', required: true } } });
  const k = kernel();
  const app = await k.load(b);
  const data = new RamFs();
  put(data.root(), 'in', 'from the host\n');
  const r = await runApp(k, app, { holes: { data } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, 'from the host\n');
  assert.equal(readRam(data, 'out'), 'from the app');
  // required and not given; a name the manifest does not have
  assert.throws(() => k.spawn({ appliance: app }), /mount hole data \(\/data\) is required/);
  assert.throws(() => k.spawn({ appliance: app, holes: { data, other: new RamFs() } }), /no mount hole named other \(data\)/);
});

test('holes_readonly_server: a hole the manifest marks read-only is read-only with a file server in it too', async () => {
  const b = await packApp({ args: ['cat', '/ref/r', 'write', '/ref/r', 'changed', 'write', '/ref/new', 'x'], mounts: { ref: { path: '/ref', readonly: true } } });
  const k = kernel();
  const app = await k.load(b);
  const ref = new RamFs();
  put(ref.root(), 'r', 'ref r\n');
  const r = await runApp(k, app, { holes: { ref } });
  assert.equal(r.stdout, 'ref r\nwrite /ref/r: Read-only file system\nwrite /ref/new: Read-only file system\n');
  assert.equal(readRam(ref, 'r'), 'ref r\n');
  assert.throws(() => ref.root().walk('new'), (e: unknown) => (e as { errno?: string }).errno === 'ENOENT');
  // the server itself is left as it was: writable for its owner
  put(ref.root(), 'owner', 'still mine');
});

// --- the manifest, overridden ---

test('spawn_overrides: args, env and limits given to spawn win over the manifest; deterministic and seed come from it', async () => {
  const b = await packApp({ args: ['env', 'WHO', 'env', 'KEEP'], env: { WHO: 'manifest', KEEP: 'kept' }, limits: { fuel: 2_000_000 } });
  const k = kernel();
  const app = await k.load(b);
  assert.equal((await runApp(k, app)).stdout, 'WHO=manifest\nKEEP=kept\n');
  assert.equal((await runApp(k, app, { args: ['args', 'env', 'WHO'], env: { WHO: 'spawn' } })).stdout, 'argv[0]=probe\nargv[1]=args\nargv[2]=env\nargv[3]=WHO\nWHO=spawn\n');
  const starved = await runApp(k, app, { args: ['spin', '1000000'] });
  assert.equal(starved.code, 136);
  const fed = await runApp(k, app, { args: ['spin', '1000000'], limits: { fuel: 1_000_000_000 } });
  assert.equal(fed.code, 0, fed.stderr);

  const det = await k.load(await packApp({ args: ['random'], seed: 3 }));
  const [x, y] = [await runApp(k, det), await runApp(k, det)];
  assert.match(x.stdout, /^[0-9a-f]{16}\n$/);
  assert.equal(x.stdout, y.stdout);
  assert.notEqual((await runApp(k, det, { seed: 4 })).stdout, x.stdout);
});

// --- the program store ---

test('program_store: a kernel with a store keeps the metered entry and a second kernel takes it from there', async () => {
  const kept = new Map<string, StoredProgram>();
  const log: string[] = [];
  const store: ProgramStore = {
    get: async key => { log.push(`${kept.has(key) ? 'hit' : 'miss'} ${key}`); return kept.get(key) ?? null; },
    put: (key, p) => { log.push(`put ${key}`); kept.set(key, p); },
  };
  const b = await packApp({ args: ['env', 'X'] });
  for (let i = 0; i < 2; i++) {
    const k = kernel({ programs: store });
    assert.equal((await runApp(k, await k.load(b))).stdout, 'X unset\n');
  }
  const key = `${hex(await sha256(probe))}-any-metered`;
  assert.deepEqual(log, [`miss ${key}`, `put ${key}`, `hit ${key}`]);
  // damaged code from a store is not run: compiled again from the appliance
  kept.set(key, { code: enc.encode('garbage'), memory: null });
  const k = kernel({ programs: store });
  assert.equal((await runApp(k, await k.load(b))).stdout, 'X unset\n');
});
