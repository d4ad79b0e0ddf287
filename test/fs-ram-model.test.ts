// RamFs (src/fs/ram.ts) against a model: random sequences of mkdir, create, write,
// open with truncate, truncate, read, remove, rename and link, and writes through
// handles held open meanwhile, applied to a RamFs and to a map of paths written here
// from POSIX's rules. After every step the errno (or success) must agree, and so must
// the whole tree: listings, types, contents, link counts; and once no handle is open,
// the bytes the quota counts are those of the files that have a name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { GoblinError } from '../src/error.ts';
import { RamFs } from '../src/fs/ram.ts';
import type { File, Handle } from '../src/fs/types.ts';

// ---- the model: paths to directories or to inodes (so hard links share one) ----------

interface Inode { data: Uint8Array }
type Entry = { dir: true } | { dir: false; ino: Inode };

class Model {
  readonly at = new Map<string, Entry>([['/', { dir: true }]]);

  /** The entry a path names, or the errno of getting there. */
  lookup(path: string): Entry | string {
    let p = '';
    for (const n of parts(path)) {
      const e = this.at.get(p || '/')!;
      if (!e.dir) return 'ENOTDIR';
      p += '/' + n;
      if (!this.at.has(p)) return 'ENOENT';
    }
    return this.at.get(p || '/')!;
  }

  /** The directory a path's last name is in, or the errno of getting there. */
  parent(path: string): string | { errno: string } {
    const e = this.lookup(dirOf(path));
    if (typeof e === 'string') return { errno: e };
    if (!e.dir) return { errno: 'ENOTDIR' };
    return dirOf(path);
  }

  children(dir: string): string[] {
    const pre = dir === '/' ? '/' : dir + '/';
    return [...this.at.keys()].filter(k => k !== '/' && k.startsWith(pre) && !k.slice(pre.length).includes('/'));
  }

  nlink(ino: Inode): number {
    let n = 0;
    for (const e of this.at.values()) if (!e.dir && e.ino === ino) n++;
    return n;
  }

  /** Bytes held by files that still have a name. */
  used(): number {
    const seen = new Set<Inode>();
    for (const e of this.at.values()) if (!e.dir) seen.add(e.ino);
    return [...seen].reduce((s, i) => s + i.data.length, 0);
  }
}

const parts = (path: string): string[] => path.split('/').filter(Boolean);
const dirOf = (path: string): string => '/' + parts(path).slice(0, -1).join('/');
const baseOf = (path: string): string => parts(path).at(-1)!;

function resized(data: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(data.subarray(0, Math.min(size, data.length)));
  return out;
}

// ---- operations, each applied to both ----------------------------------------------

type Op =
  | { op: 'mkdir'; path: string }
  | { op: 'create'; path: string; exclusive: boolean }
  | { op: 'write'; path: string; offset: number; data: Uint8Array; append: boolean }
  | { op: 'openTruncate'; path: string }
  | { op: 'truncate'; path: string; size: number }
  | { op: 'read'; path: string }
  | { op: 'remove'; path: string; type: 'file' | 'dir' }
  | { op: 'rename'; path: string; to: string }
  | { op: 'link'; path: string; to: string }
  | { op: 'hold'; path: string }
  | { op: 'writeHeld'; slot: number; offset: number; data: Uint8Array }
  | { op: 'closeHeld'; slot: number };

/** Handles held open across steps, the same slot in both: the model keeps the inode. */
interface Held { model: Inode[]; ram: Handle[] }

/** What an operation answers: an errno, or what it read. */
type Outcome = string | { ok: unknown };

function inModel(m: Model, held: Inode[], o: Op): Outcome {
  const ok = (v: unknown = null) => ({ ok: v });
  switch (o.op) {
    case 'mkdir': case 'create': {
      const dir = m.parent(o.path);
      if (typeof dir !== 'string') return dir.errno;
      const old = m.at.get(o.path);
      if (old) return o.op === 'mkdir' || o.exclusive ? 'EEXIST' : ok(); // O_CREAT without O_EXCL opens what is there
      m.at.set(o.path, o.op === 'mkdir' ? { dir: true } : { dir: false, ino: { data: new Uint8Array(0) } });
      return ok();
    }
    case 'write': case 'openTruncate': case 'truncate': case 'hold': {
      const e = m.lookup(o.path);
      if (typeof e === 'string') return e;
      if (e.dir) return 'EISDIR';
      const ino = e.ino;
      if (o.op === 'hold') held.push(ino);
      else if (o.op === 'openTruncate') ino.data = new Uint8Array(0);
      else if (o.op === 'truncate') ino.data = resized(ino.data, o.size);
      else {
        const at = o.append ? ino.data.length : o.offset;
        ino.data = resized(ino.data, Math.max(ino.data.length, at + o.data.length));
        ino.data.set(o.data, at);
      }
      return ok();
    }
    case 'read': {
      const e = m.lookup(o.path);
      if (typeof e === 'string') return e;
      if (e.dir) return ok(m.children(o.path).map(baseOf).sort());
      return ok([...e.ino.data]);
    }
    case 'remove': {
      const dir = m.parent(o.path);
      if (typeof dir !== 'string') return dir.errno;
      const e = m.at.get(o.path);
      if (!e) return 'ENOENT';
      if (o.type === 'dir') {
        if (!e.dir) return 'ENOTDIR';
        if (m.children(o.path).length) return 'ENOTEMPTY';
      } else if (e.dir) return 'EISDIR';
      m.at.delete(o.path);
      return ok();
    }
    case 'rename': {
      // both directories are walked to before the rename looks at either
      const from = m.lookup(dirOf(o.path)), into = m.lookup(dirOf(o.to));
      if (typeof from === 'string') return from;
      if (typeof into === 'string') return into;
      if (!from.dir || !into.dir) return 'ENOTDIR';
      const to = dirOf(o.to);
      const e = m.at.get(o.path);
      if (!e) return 'ENOENT';
      if (e.dir && (to === o.path || to.startsWith(o.path + '/'))) return 'EINVAL'; // into itself
      const old = m.at.get(o.to);
      if (old === e || (old && !old.dir && !e.dir && old.ino === e.ino)) return ok(); // the same file: nothing to do
      if (old) {
        if (e.dir && !old.dir) return 'ENOTDIR';
        if (!e.dir && old.dir) return 'EISDIR';
        if (old.dir && m.children(o.to).length) return 'ENOTEMPTY';
        m.at.delete(o.to);
      }
      const moved = [...m.at].filter(([k]) => k === o.path || k.startsWith(o.path + '/'));
      for (const [k] of moved) m.at.delete(k);
      for (const [k, v] of moved) m.at.set(o.to + k.slice(o.path.length), v);
      return ok();
    }
    case 'link': {
      const target = m.lookup(o.path);
      if (typeof target === 'string') return target;
      const dir = m.parent(o.to);
      if (typeof dir !== 'string') return dir.errno;
      if (m.at.has(o.to)) return 'EEXIST';
      if (target.dir) return 'EPERM'; // no hard links to directories
      m.at.set(o.to, { dir: false, ino: target.ino });
      return ok();
    }
    case 'writeHeld': {
      const ino = held[o.slot % held.length];
      // a file with no name left cannot be seen in the tree: what lands in it is not modelled
      if (ino && m.nlink(ino)) {
        ino.data = resized(ino.data, Math.max(ino.data.length, o.offset + o.data.length));
        ino.data.set(o.data, o.offset);
      }
      return ok();
    }
    case 'closeHeld':
      if (held.length) held.splice(o.slot % held.length, 1);
      return ok();
  }
}

function walkTo(fs: RamFs, path: string): File {
  let f = fs.root();
  for (const n of parts(path)) f = f.walk!(n) as File;
  return f;
}

function readAll(f: File): number[] {
  const h = f.open({ read: true, write: false }) as Handle;
  try {
    const out: number[] = [];
    const buf = new Uint8Array(7); // small, so reads at offsets are exercised
    for (let n; (n = h.read(buf, out.length) as number) > 0;) out.push(...buf.subarray(0, n));
    return out;
  } finally { h.close(); }
}

function listing(f: File): string[] {
  const h = f.open({ read: true, write: false }) as Handle;
  try { return (h.readdir!() as { name: string }[]).map(d => d.name).sort(); } finally { h.close(); }
}

function inRam(fs: RamFs, held: Handle[], o: Op): Outcome {
  try {
    switch (o.op) {
      case 'mkdir': walkTo(fs, dirOf(o.path)).create!(baseOf(o.path), 'dir', 0o755, true); break;
      case 'create': walkTo(fs, dirOf(o.path)).create!(baseOf(o.path), 'file', 0o644, o.exclusive); break;
      case 'write': case 'openTruncate': {
        const h = walkTo(fs, o.path).open({ read: false, write: true, truncate: o.op === 'openTruncate', append: o.op === 'write' && o.append }) as Handle;
        try { if (o.op === 'write') assert.equal(h.write(o.data, o.offset), o.data.length, 'short write'); } finally { h.close(); }
        break;
      }
      case 'truncate': walkTo(fs, o.path).wstat!({ size: o.size }); break;
      case 'read': {
        const f = walkTo(fs, o.path);
        return { ok: f.qid.type === 'dir' ? listing(f) : readAll(f) };
      }
      case 'remove': walkTo(fs, dirOf(o.path)).remove!(baseOf(o.path), o.type); break;
      case 'rename': walkTo(fs, dirOf(o.path)).rename!(baseOf(o.path), walkTo(fs, dirOf(o.to)), baseOf(o.to)); break;
      case 'link': {
        const target = walkTo(fs, o.path);
        walkTo(fs, dirOf(o.to)).link!(baseOf(o.to), target);
        break;
      }
      case 'hold': held.push(walkTo(fs, o.path).open({ read: false, write: true }) as Handle); break;
      case 'writeHeld': {
        const h = held[o.slot % held.length];
        if (h) assert.equal(h.write(o.data, o.offset), o.data.length, 'short write');
        break;
      }
      case 'closeHeld':
        if (held.length) held.splice(o.slot % held.length, 1)[0]!.close();
        break;
    }
    return { ok: null };
  } catch (e) {
    if (e instanceof GoblinError) return e.errno;
    throw e;
  }
}

/** The whole tree as the model sees it and as the RamFs does, in one comparable shape. */
function modelTree(m: Model): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [p, e] of [...m.at].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out[p] = e.dir ? { dir: m.children(p).map(baseOf).sort(), size: m.children(p).length } : { data: [...e.ino.data], nlink: m.nlink(e.ino) };
  }
  return out;
}

function ramTree(fs: RamFs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const visit = (f: File, p: string) => {
    const st = f.stat() as { size: number; nlink: number };
    if (f.qid.type === 'dir') {
      const names = listing(f);
      out[p] = { dir: names, size: st.size };
      for (const n of names) visit(f.walk!(n) as File, p === '/' ? `/${n}` : `${p}/${n}`);
    } else {
      const data = readAll(f);
      assert.equal(st.size, data.length, `${p}: stat size`);
      out[p] = { data, nlink: st.nlink };
    }
  };
  visit(fs.root(), '/');
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

// ---- generators ----------------------------------------------------------------------

// few names, mostly shallow, so steps often meet what earlier steps made
const path = fc.oneof(
  { arbitrary: fc.constantFrom('/a', '/b'), weight: 3 },
  { arbitrary: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 }).map(ns => '/' + ns.join('/')), weight: 2 });
const data = fc.uint8Array({ minLength: 0, maxLength: 12 });
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  path.map(p => ({ op: 'mkdir' as const, path: p })),
  fc.record({ op: fc.constant('create' as const), path, exclusive: fc.boolean() }),
  fc.record({ op: fc.constant('write' as const), path, offset: fc.nat(40), data, append: fc.boolean() }),
  path.map(p => ({ op: 'openTruncate' as const, path: p })),
  fc.record({ op: fc.constant('truncate' as const), path, size: fc.nat(40) }),
  fc.oneof(path, fc.constant('/')).map(p => ({ op: 'read' as const, path: p })),
  fc.record({ op: fc.constant('remove' as const), path, type: fc.constantFrom('file' as const, 'dir' as const) }),
  fc.record({ op: fc.constant('rename' as const), path, to: path }),
  fc.record({ op: fc.constant('link' as const), path, to: path }),
  path.map(p => ({ op: 'hold' as const, path: p })),
  fc.record({ op: fc.constant('writeHeld' as const), slot: fc.nat(), offset: fc.nat(40), data }),
  fc.record({ op: fc.constant('closeHeld' as const), slot: fc.nat() }),
);

test('RamFs agrees with the model: every answer, then the whole tree and the bytes counted', () => {
  fc.assert(fc.property(fc.array(arbOp, { maxLength: 40, size: 'medium' }), ops => {
    const m = new Model(), fs = new RamFs(), held: Held = { model: [], ram: [] };
    const counted = (what: string) => {
      if (held.ram.length) assert.ok(fs.used >= m.used(), `${what}: ${fs.used} bytes counted, the named files hold ${m.used()}`);
      else assert.equal(fs.used, m.used(), `${what}: bytes counted, with no handle open`);
    };
    for (const [i, o] of ops.entries()) {
      const what = `step ${i}: ${JSON.stringify(o, (_, v) => (v instanceof Uint8Array ? [...v] : v))}`;
      assert.deepEqual(inRam(fs, held.ram, o), inModel(m, held.model, o), what);
      assert.equal(held.ram.length, held.model.length);
      assert.deepEqual(ramTree(fs), modelTree(m), `${what}: the tree`);
      counted(what);
    }
    for (const h of held.ram.splice(0)) h.close();
    counted('at the end, every handle closed');
  }), { numRuns: 1000 });
});
