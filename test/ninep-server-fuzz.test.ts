// Fuzzing the 9P server: well-formed requests with hostile values, mutated
// requests and random bytes, seeded (FUZZ_SEED=n to replay; the seed is in every
// failure), fed to sessions in odd chunkings. Every reply must decode in the
// session's dialect and fit its msize; nothing may throw or reject; afterwards a
// correct client is still served and memory is back where it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fail } from '../src/error.ts';
import { RamFs } from '../src/fs/ram.ts';
import type { File, Handle, Maybe } from '../src/fs/types.ts';
import { MAFTER, MCREATE, Namespace } from '../src/ns/namespace.ts';
import {
  DecodeError, decode, type Dialect, dialects, encode, type Field, type Msg, msgDefs, type MsgDef, NOFID, nullStat, type Stat, statLayout,
} from '../src/ninep/index.ts';
import { Server, type Session } from '../src/exportfs/server.ts';

const MESSAGES = 250_000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- a file server that answers late at random and refuses to grow files past a cap

const CAP = 1 << 16;

function wrapped(rnd: () => number): { wrap: (f: File) => File; live(): void } {
  const inner = new WeakMap<File, File>();
  let live = false;
  const later = <T>(f: () => Maybe<T>): Maybe<T> => {
    if (!live || rnd() >= 0.25) return f();
    return Promise.resolve().then(f);
  };
  const handle = (h: Handle): Handle => ({
    seekable: h.seekable,
    read: (d, o) => later(() => h.read(d, o)),
    write: (s, o) => later(() => {
      if (o + s.length > CAP) throw fail('EFBIG');
      return h.write(s, o);
    }),
    readdir: () => later(() => h.readdir()),
    sync: () => h.sync(),
    close: () => h.close(),
  });
  const wrap = (f: File): File => {
    const w: File = {
      get qid() { return f.qid; },
      stat: () => later(() => f.stat()),
      open: fl => later(() => {
        const r = f.open(fl);
        return r instanceof Promise ? r.then(handle) : handle(r);
      }),
      wstat: c => later(() => {
        if (c.size !== undefined && c.size > CAP) throw fail('EFBIG');
        return f.wstat(c);
      }),
      walk: n => later(() => { const r = f.walk(n); return r instanceof Promise ? r.then(wrap) : wrap(r); }),
      create: (n, t, p, x) => later(() => { const r = f.create(n, t, p, x); return r instanceof Promise ? r.then(wrap) : wrap(r); }),
      remove: (n, t) => later(() => f.remove(n, t)),
      rename: (n, to, tn) => later(() => f.rename(n, inner.get(to) ?? to, tn)),
      symlink: (n, t) => later(() => f.symlink(n, t)),
      link: (n, t) => later(() => f.link(n, inner.get(t) ?? t)),
      readlink: () => later(() => f.readlink()),
    };
    inner.set(w, f);
    return w;
  };
  return { wrap, live: () => { live = true; } };
}

function makeServer(rnd: () => number): Server {
  const { wrap, live } = wrapped(rnd);
  const a = new RamFs({ clock: () => 0n }), b = new RamFs({ clock: () => 0n });
  const ar = a.root() as File, br = b.root() as File;
  (ar.create('hello', 'file', 0o644, true) as File);
  const sub = ar.create('sub', 'dir', 0o755, true) as File;
  sub.create('deep', 'file', 0o644, true);
  br.create('b', 'file', 0o644, true);
  br.create('hello', 'file', 0o644, true);
  const ns = new Namespace(wrap(ar), () => { throw fail('ENOENT'); });
  ns.bind(ns.chan(wrap(br)), ns.step(ns.root, 'sub') as ReturnType<Namespace['chan']>, MAFTER | MCREATE, 'bind -ac b /sub');
  const keep = new RamFs({ clock: () => 0n });
  ((keep.root().create('k', 'file', 0o444, true) as File).open({ read: false, write: true }) as Handle).write(new TextEncoder().encode('kept'), 0);
  live();
  return new Server({ exports: { '': ns, keep }, maxFids: 64, maxRequests: 32, msize: 1 << 16, clock: () => 0n });
}

// ---- message generation

const names = ['', '.', '..', 'a', 'b', 'hello', 'sub', 'deep', 'zero', 'null', 'x/y', 'nul\0', 'k', 'é', 'x'.repeat(300)];
const anames = ['', 'ctl', 'nope', '/sub', '/nope']; // never 'keep': the last check reads it
const fidFields = new Set(['fid', 'newfid', 'dfid', 'afid', 'olddirfid', 'newdirfid', 'dirfd']);

function generator(rnd: () => number) {
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const u32 = () => (rnd() * 2 ** 32) >>> 0;
  const u64 = () => BigInt(u32()) << 32n | BigInt(u32());

  function value(f: Field, kind: string, dialect: Dialect): unknown {
    const n = f.name;
    switch (kind) {
      case 'u8': return rnd() < 0.7 ? int(4) | (rnd() < 0.2 ? 0x10 : 0) | (rnd() < 0.1 ? 0x40 : 0) : int(256);
      case 'u16': return n === 'oldtag' || n === 'tag' ? int(40) : int(65536);
      case 'u32':
        if (fidFields.has(n)) return rnd() < 0.7 ? int(3) : rnd() < 0.9 ? int(8) : rnd() < 0.5 ? NOFID : u32();
        if (n === 'count') return pick([0, 1, 13, 100, 4096, 4096, 65536, u32()]);
        if (n === 'msize') return pick([8192, 65536, 1 << 20, 100, u32()]);
        if (n === 'n_uname') return pick([0, 1000, NOFID]);
        if (n === 'perm' || n === 'mode') return pick([0o644, 0o755, 0x80000000 | 0o755, 0x02000000 | 0o777, 0x01000000, 0x00800000, u32()]) >>> 0;
        if (n === 'flags') return pick([0, 1, 2, 3, 0o100, 0o302, 0o1000, 0o2001, 0o200000, 0x200, u32()]);
        return rnd() < 0.5 ? int(16) : u32();
      case 'u64':
        if (n === 'offset') return pick([0n, 0n, 1n, 12n, 100n, 1n << 40n, 1n << 63n, u64()]);
        if (n === 'size' || n === 'length') return pick([0n, 3n, 100n, 1n << 20n, u64()]);
        return rnd() < 0.5 ? BigInt(int(2000)) : u64();
      case 's':
        if (n === 'version') return pick([...dialects, '9P2000.x', 'unknown', '']);
        if (n === 'aname') return pick(anames);
        return pick(names);
      case 's[]': return Array.from({ length: rnd() < 0.05 ? 16 : int(4) }, () => pick(names));
      case 'qid': return { type: int(256), version: u32(), path: u64() };
      case 'data': return Uint8Array.from({ length: pick([0, 1, 10, 64]) }, () => int(256));
      case 'stat': {
        const st: Stat = nullStat(dialect);
        if (rnd() < 0.4) st.name = pick(names);
        if (rnd() < 0.3) st.length = pick([0n, 5n, 1n << 40n]);
        if (rnd() < 0.3) st.mode = pick([0o600, 0x80000000 | 0o755]) >>> 0;
        if (rnd() < 0.2) st.mtime = u32();
        if (rnd() < 0.1) st.uid = 'someone';
        for (const g of statLayout) if (rnd() < 0.02 && (!g.ext || dialect !== '9P2000')) (st as Record<string, unknown>)[g.name] = value(g, g.kind, dialect);
        return st;
      }
    }
    throw new Error(kind);
  }

  // Requests that build state (fids, open files) come often, so the rest find something to act on.
  const weight: Record<string, number> = {
    Twalk: 20, Tclunk: 3, Topen: 10, Tlopen: 10, Tread: 10, Twrite: 6, Treaddir: 6, Tgetattr: 4, Tstat: 4, Tflush: 4,
    Tcreate: 4, Tlcreate: 4, Tmkdir: 2, Tattach: 2, Tversion: 0,
  };
  const requests = (d: Dialect): MsgDef[] =>
    msgDefs.filter(m => m.name[0] === 'T' && m.dialects.includes(d)).flatMap(m => Array<MsgDef>(weight[m.name] ?? 1).fill(m));
  const byDialect = new Map(dialects.map(d => [d, requests(d)]));
  const tversion = msgDefs.find(m => m.name === 'Tversion')!;

  /** A well-formed request of the dialect, or null when encode refuses the values drawn. */
  function request(d: Dialect): Uint8Array | null {
    const def = rnd() < 0.003 ? tversion : pick(byDialect.get(d)!);
    const m: Record<string, unknown> = { kind: def.name, tag: int(40) };
    for (const f of def.fields) if (!f.ext || d !== '9P2000') m[f.name] = value(f, f.kind, d);
    if (def.name === 'Twalk' && rnd() < 0.6) {
      // mostly walks that succeed: clones and known names from the fids most likely to exist
      m.fid = int(3);
      m.wname = rnd() < 0.5 ? [] : [pick(['hello', 'sub', 'zero', 'null', '.', '..', 'b'])];
    }
    if (def.name === 'Tversion' && rnd() < 0.8) Object.assign(m, { msize: 65536, version: pick(dialects) });
    try { return encode(m as Msg, d); } catch { return null; }
  }

  function mutate(b: Uint8Array): Uint8Array {
    let out = b.slice();
    for (let k = 1 + int(3); k > 0; k--) {
      switch (int(7)) {
        case 0: if (out.length) out[int(out.length)]! ^= 1 << int(8); break;
        case 1: if (out.length) out[int(out.length)] = int(256); break;
        case 2: out = out.slice(0, Math.max(rnd() < 0.9 ? 7 : 0, int(out.length + 1))); break;
        case 3: out = Uint8Array.from([...out, ...Array.from({ length: 1 + int(8) }, () => int(256))]); break;
        case 4: if (out.length > 4) out[4] = int(256); break; // another type
        case 5: if (out.length > 8) out[7 + int(out.length - 7)] = 0xff; break;
        case 6: break;
      }
    }
    // mostly keep the size field honest, so the mutation reaches the decoder
    if (out.length >= 4 && rnd() < 0.97) new DataView(out.buffer).setUint32(0, out.length, true);
    return out;
  }

  const noise = (): Uint8Array => Uint8Array.from({ length: int(40) }, () => int(256));

  return { int, pick, request, mutate, noise };
}

// ---- the run

test(`fuzz: ${MESSAGES} random and mutated requests`, { timeout: 120_000 }, async () => {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : (Math.random() * 2 ** 32) >>> 0;
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on('unhandledRejection', onRejection);
  try {
    await run(seed, rejections);
  } catch (e) {
    throw new Error(`fuzz failed with FUZZ_SEED=${seed}: ${(e as Error).stack}`);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
});

async function run(seed: number, rejections: unknown[]): Promise<void> {
  const rnd = mulberry32(seed);
  const g = generator(rnd);
  const server = makeServer(rnd);
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  const counts = new Map<string, number>();
  let session!: Session;
  let dialect: Dialect = '9P2000.L';
  let sessions = 0;

  function open(): void {
    sessions++;
    const s: Session = server.connect({
      send(b) {
        const d = s.dialect ?? '9P2000';
        const m = decode(b, d);
        if (m instanceof DecodeError) assert.fail(`reply does not decode in ${d}: ${m.message}`);
        assert.ok(b.length <= s.msize || m.kind === 'Rversion', `${m.kind} of ${b.length} bytes exceeds msize ${s.msize}`);
        counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
      },
      close() {},
    });
    session = s;
    dialect = g.pick(dialects);
    s.receive(encode({ kind: 'Tversion', tag: 0xffff, msize: 65536, version: dialect }, '9P2000'));
    const u = dialect === '9P2000' ? {} : { n_uname: 1000 };
    s.receive(encode({ kind: 'Tattach', tag: 1, fid: 0, afid: NOFID, uname: 'fuzz', aname: g.pick(['', '', 'ctl', '/sub']), ...u }, dialect));
  }

  open();
  let sent = 0, baseline = 0;
  while (sent < MESSAGES) {
    const r = rnd();
    const d = session.dialect ?? dialect;
    let bytes: Uint8Array | null;
    if (r < 0.85) bytes = g.request(d);
    else if (r < 0.995) { const q = g.request(d); bytes = q && g.mutate(q); }
    else bytes = g.noise();
    if (!bytes) continue;
    sent++;
    // deliver whole, split in two, or glued to the next request
    const how = rnd();
    if (how < 0.8 || bytes.length < 2) session.receive(bytes);
    else if (how < 0.9) {
      const cut = 1 + g.int(bytes.length - 1);
      session.receive(bytes.subarray(0, cut));
      session.receive(bytes.subarray(cut));
    } else {
      const next = g.request(d) ?? new Uint8Array(0);
      const both = new Uint8Array(bytes.length + next.length);
      both.set(bytes);
      both.set(next, bytes.length);
      session.receive(both);
    }
    if (session.closed || rnd() < 0.001) { session.close(); open(); }
    if (sent % 1000 === 0) await new Promise(r => setImmediate(r)); // let late answers land
    if (sent === 20_000) { gc(); baseline = process.memoryUsage().heapUsed; }
    assert.ok(session.fidCount <= server.maxFids && session.requestCount <= server.maxRequests);
  }
  await new Promise(r => setTimeout(r, 50));
  session.close();
  assert.equal(server.sessions.size, 0, 'every session ended');
  assert.deepEqual(rejections, [], 'no promise rejected unhandled');

  // a correct client is still served
  const replies: Msg[] = [];
  const s = server.connect({ send: b => { replies.push(decode(b, s.dialect ?? '9P2000') as Msg); }, close() {} });
  s.receive(encode({ kind: 'Tversion', tag: 0xffff, msize: 8192, version: '9P2000.L' }, '9P2000'));
  s.receive(encode({ kind: 'Tattach', tag: 1, fid: 0, afid: NOFID, uname: 'u', aname: 'keep', n_uname: 0 }, '9P2000.L'));
  s.receive(encode({ kind: 'Twalk', tag: 2, fid: 0, newfid: 1, wname: ['k'] }, '9P2000.L'));
  s.receive(encode({ kind: 'Tlopen', tag: 3, fid: 1, flags: 0 }, '9P2000.L'));
  s.receive(encode({ kind: 'Tread', tag: 4, fid: 1, offset: 0n, count: 100 }, '9P2000.L'));
  await new Promise(r => setImmediate(r));
  assert.deepEqual(replies.map(r => r.kind), ['Rversion', 'Rattach', 'Rwalk', 'Rlopen', 'Rread']);
  assert.equal(new TextDecoder().decode((replies[4] as { data: Uint8Array }).data), 'kept');
  s.close();

  gc();
  const grown = process.memoryUsage().heapUsed - baseline;
  const kinds = [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`fuzz seed ${seed}: ${sent} messages, ${sessions} sessions, heap ${grown >= 0 ? '+' : ''}${(grown / 1e6).toFixed(1)} MB since message 20000; replies: ${kinds}`);
  assert.ok(grown < 32e6, `heap grew ${grown} bytes`);
  // the fuzz reached well past the fid table: real operations ran
  for (const k of ['Rwalk', 'Rlopen', 'Rread', 'Rreaddir', 'Rgetattr', 'Rlcreate', 'Rwrite', 'Rstat', 'Rclunk', 'Rflush']) assert.ok((counts.get(k) ?? 0) > 0, `no ${k} in the run`);
}
