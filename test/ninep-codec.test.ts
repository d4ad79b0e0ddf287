// The 9P codec: table round trips, hand-written wire vectors, a fuzzed
// decoder, the framer's limits, packing, version negotiation and trace lines.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { GoblinError } from '../src/error.ts';
import {
  clampMsize, clientVersion, DecodeError, decode, decodeStat, DEFAULT_MSIZE, type Dialect, dialects, type Dirent,
  direntLength, DMDIR, encode, encodeInto, encodeStat, type Field, Framer, iounit, type Kind, MAX_MSIZE, MIN_MSIZE, type Msg,
  type MsgDef, msgDefs, type MsgOf, statLayout, NOFID, NONUNAME, NOTAG, nullStat, packDirents, packStats, QTDIR, type Qid,
  serverVersion, size, type Stat, statLength, trace, traceError, unpackDirents, unpackStats,
} from '../src/ninep/index.ts';

// ---- arbitraries derived from the table

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
// Mostly any Unicode; sometimes the strings that trip up careless codecs (a leading BOM, NUL).
const str = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '\ufeff', '\ufeffa', '\u0000', '..', 'a/b', '\u{10ffff}') },
);
const qid: fc.Arbitrary<Qid> = fc.record({ type: u8, version: u32, path: u64 }, { noNullPrototype: true });
function arbValue(kind: Kind, dialect: Dialect): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'u8': return u8;
    case 'u16': return u16;
    case 'u32': return u32;
    case 'u64': return u64;
    case 's': return str;
    case 'qid': return qid;
    case 's[]': return fc.array(str, { maxLength: 16 });
    case 'qid[]': return fc.array(qid, { maxLength: 16 });
    case 'data': return fc.uint8Array({ maxLength: 48 });
    case 'stat': return arbStruct(statLayout, dialect);
  }
}

/** Extension fields appear exactly when the dialect carries them, as decode returns them. */
function arbStruct(fields: readonly Field[], dialect: Dialect): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) if (!f.ext || dialect !== '9P2000') shape[f.name] = arbValue(f.kind, dialect);
  return fc.record(shape, { noNullPrototype: true });
}

const arbMsg = (def: MsgDef, dialect: Dialect): fc.Arbitrary<Msg> =>
  fc.tuple(u16, arbStruct(def.fields, dialect)).map(([tag, fields]) => ({ kind: def.name, tag, ...fields }) as Msg);

const pairs: [MsgDef, Dialect][] = msgDefs.flatMap((def) => def.dialects.map((d): [MsgDef, Dialect] => [def, d]));
const arbAny: fc.Arbitrary<[Msg, Dialect]> = fc.oneof(
  ...pairs.map(([def, d]) => arbMsg(def, d).map((m): [Msg, Dialect] => [m, d])),
);

// ---- byte helpers: hex words, and "quoted" ASCII for readability

function wire(...parts: string[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (p.startsWith('"')) for (const ch of p.slice(1, -1)) out.push(ch.charCodeAt(0));
    else {
      const h = p.replace(/\s+/g, '');
      for (let i = 0; i < h.length; i += 2) out.push(parseInt(h.slice(i, i + 2), 16));
    }
  }
  return new Uint8Array(out);
}

function assertDecodes(bytes: Uint8Array, dialect: Dialect, expect: Msg): void {
  const got = decode(bytes, dialect);
  if (got instanceof DecodeError) assert.fail(got.message);
  assert.deepEqual(got, expect);
  assert.deepEqual(encode(expect, dialect), bytes);
}

const ok = <T>(v: T | DecodeError | GoblinError): T => {
  if (v instanceof GoblinError) assert.fail(v.message);
  return v;
};

// ---- tests

describe('table', () => {
  test('type numbers and names are unique', () => {
    assert.equal(new Set(msgDefs.map((d) => d.type)).size, msgDefs.length);
    assert.equal(new Set(msgDefs.map((d) => d.name)).size, msgDefs.length);
    for (const d of msgDefs) assert.equal(d.name[0] === 'T', d.type % 2 === 0, d.name);
  });

  test('every T-message has its R-message in the same dialects', () => {
    for (const d of msgDefs.filter((d) => d.name[0] === 'T')) {
      const r = msgDefs.find((x) => x.type === d.type + 1);
      assert.ok(r && r.name === `R${d.name.slice(1)}`, d.name);
      assert.deepEqual(r.dialects, d.dialects, d.name);
    }
  });

  test('round trip of every row in every dialect it belongs to', () => {
    for (const [def, dialect] of pairs) {
      fc.assert(
        fc.property(arbMsg(def, dialect), (msg) => {
          const bytes = encode(msg, dialect);
          assert.equal(bytes.length, size(msg, dialect));
          const back = decode(bytes, dialect);
          if (back instanceof DecodeError) assert.fail(`${def.name} in ${dialect}: ${back.message}`);
          assert.deepEqual(back, msg);
          assert.deepEqual(encode(back, dialect), bytes);
          assert.ok(trace(back).startsWith(`${def.name} tag ${msg.tag}`));
        }),
        { numRuns: 300 },
      );
    }
  });

  test('rows are refused in dialects that lack them', () => {
    for (const def of msgDefs) {
      for (const d of dialects) {
        if (def.dialects.includes(d)) continue;
        const msg = fc.sample(arbMsg(def, def.dialects[0]!), { numRuns: 1, seed: 1 })[0]!;
        assert.throws(() => encode(msg, d), (e: GoblinError) => e.errno === 'EPROTO', `${def.name} ${d}`);
        const bytes = encode(msg, def.dialects[0]!);
        const r = decode(bytes, d);
        assert.ok(r instanceof DecodeError && r.type === def.type && r.tag === msg.tag, `${def.name} ${d}`);
      }
    }
  });
});

describe('wire vectors written from the man pages', () => {
  const statA: Stat = {
    type: 0, dev: 0, qid: { type: QTDIR, version: 1, path: 0x10n }, mode: (DMDIR | 0o755) >>> 0,
    atime: 1, mtime: 2, length: 0n, name: 'a', uid: 'u', gid: 'g', muid: '',
  };
  // size[2] type[2] dev[4] qid[13] mode[4] atime[4] mtime[4] length[8] name uid gid muid
  const statABody = [
    '0000 00000000 80 01000000 1000000000000000 ed010080 01000000 02000000 0000000000000000',
    '0100', '"a"', '0100', '"u"', '0100', '"g"', '0000',
  ];

  test('Tversion / Rversion', () => {
    assertDecodes(wire('13000000 64 ffff 00200000 0600', '"9P2000"'), '9P2000',
      { kind: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000' });
    assertDecodes(wire('15000000 65 ffff 00200000 0800', '"9P2000.L"'), '9P2000.L',
      { kind: 'Rversion', tag: NOTAG, msize: 8192, version: '9P2000.L' });
  });

  test('Twalk / Rwalk', () => {
    assertDecodes(wire('17000000 6e 0100 00000000 01000000 0200 0100', '"a"', '0100', '"b"'), '9P2000',
      { kind: 'Twalk', tag: 1, fid: 0, newfid: 1, wname: ['a', 'b'] });
    assertDecodes(wire('23000000 6f 0100 0200 80 00000000 0100000000000000 00 03000000 2a00000000000000'), '9P2000.u',
      { kind: 'Rwalk', tag: 1, wqid: [{ type: QTDIR, version: 0, path: 1n }, { type: 0, version: 3, path: 42n }] });
    assertDecodes(wire('09000000 6f 0100 0000'), '9P2000.L', { kind: 'Rwalk', tag: 1, wqid: [] });
  });

  test('Tattach, 9P2000 and with the .u n_uname', () => {
    assertDecodes(wire('19000000 68 0100 00000000 ffffffff 0600', '"glenda"', '0000'), '9P2000',
      { kind: 'Tattach', tag: 1, fid: 0, afid: NOFID, uname: 'glenda', aname: '' });
    assertDecodes(wire('1d000000 68 0100 00000000 ffffffff 0600', '"glenda"', '0000 e8030000'), '9P2000.u',
      { kind: 'Tattach', tag: 1, fid: 0, afid: NOFID, uname: 'glenda', aname: '', n_uname: 1000 });
    // left out, n_uname goes out as "no numeric id"
    const bytes = encode({ kind: 'Tattach', tag: 1, fid: 0, afid: NOFID, uname: 'glenda', aname: '' }, '9P2000.L');
    assert.deepEqual(bytes.subarray(-4), wire('ffffffff'));
  });

  test('Tstat / Rstat with a stat', () => {
    assertDecodes(wire('0b000000 7c 0200 07000000'), '9P2000', { kind: 'Tstat', tag: 2, fid: 7 });
    // n[2] = 52, then the stat with its own size[2] = 50
    assertDecodes(wire('3d000000 7d 0200 3400 3200', ...statABody), '9P2000', { kind: 'Rstat', tag: 2, stat: statA });
    // .u: extension[s] n_uid[4] n_gid[4] n_muid[4] follow muid
    const statU: Stat = { ...statA, extension: '', n_uid: 1000, n_gid: 100, n_muid: NONUNAME };
    assertDecodes(wire('4b000000 7d 0200 4200 4000', ...statABody, '0000 e8030000 64000000 ffffffff'), '9P2000.u',
      { kind: 'Rstat', tag: 2, stat: statU });
    assert.deepEqual(encodeStat(statA, '9P2000'), wire('3200', ...statABody));
    assert.deepEqual(decodeStat(wire('3200', ...statABody), '9P2000'), statA);
    assert.equal(statLength(statU, '9P2000.u'), 66);
  });

  test('Rerror, 9P2000 and .u with errno', () => {
    assertDecodes(wire('1c000000 6b 0300 1300', '"file does not exist"'), '9P2000',
      { kind: 'Rerror', tag: 3, ename: 'file does not exist' });
    assertDecodes(wire('20000000 6b 0300 1300', '"file does not exist"', '02000000'), '9P2000.u',
      { kind: 'Rerror', tag: 3, ename: 'file does not exist', errno: 2 });
  });

  test('Tgetattr / Rgetattr', () => {
    assertDecodes(wire('13000000 18 0100 01000000 ff3f000000000000'), '9P2000.L',
      { kind: 'Tgetattr', tag: 1, fid: 1, request_mask: 0x3fffn });
    const r: MsgOf<'Rgetattr'> = {
      kind: 'Rgetattr', tag: 1, valid: 0x7ffn, qid: { type: QTDIR, version: 0, path: 0x2c1facn }, mode: 0o40755, uid: 500,
      gid: 500, nlink: 56n, rdev: 0n, size: 4096n, blksize: 4096n, blocks: 8n, atime_sec: 1n, atime_nsec: 2n, mtime_sec: 3n,
      mtime_nsec: 4n, ctime_sec: 5n, ctime_nsec: 6n, btime_sec: 0n, btime_nsec: 0n, gen: 0n, data_version: 0n,
    };
    assertDecodes(wire(
      'a0000000 19 0100 ff07000000000000 80 00000000 ac1f2c0000000000 ed410000 f4010000 f4010000',
      '3800000000000000 0000000000000000 0010000000000000 0010000000000000 0800000000000000',
      '0100000000000000 0200000000000000 0300000000000000 0400000000000000 0500000000000000 0600000000000000',
      '0000000000000000 0000000000000000 0000000000000000 0000000000000000',
    ), '9P2000.L', r);
  });

  test('Treaddir / Rreaddir with two entries', () => {
    assertDecodes(wire('17000000 28 0100 02000000 0000000000000000 e81f0000'), '9P2000.L',
      { kind: 'Treaddir', tag: 1, fid: 2, offset: 0n, count: 8168 });
    // qid[13] offset[8] type[1] name[s], twice
    const data = wire(
      '80 00000000 1000000000000000 0100000000000000 04 0100', '"."',
      '80 00000000 0100000000000000 0200000000000000 04 0200', '".."',
    );
    assertDecodes(wire('3e000000 29 0100 33000000', '80 00000000 1000000000000000 0100000000000000 04 0100', '"."',
      '80 00000000 0100000000000000 0200000000000000 04 0200', '".."'), '9P2000.L', { kind: 'Rreaddir', tag: 1, data });
    const entries: Dirent[] = [
      { qid: { type: QTDIR, version: 0, path: 0x10n }, offset: 1n, type: 4, name: '.' },
      { qid: { type: QTDIR, version: 0, path: 1n }, offset: 2n, type: 4, name: '..' },
    ];
    assert.deepEqual(unpackDirents(data), entries);
    assert.deepEqual(packDirents(entries, 51), { data, n: 2 });
    assert.deepEqual(packDirents(entries, 50), { data: data.subarray(0, 25), n: 1 });
    assert.deepEqual(packDirents(entries, 24).n, 0);
  });

  test('Rlerror', () => {
    assertDecodes(wire('0b000000 07 0100 02000000'), '9P2000.L', { kind: 'Rlerror', tag: 1, ecode: 2 });
  });
});

describe('decode refuses bad messages with one error value', () => {
  const twalk = encode({ kind: 'Twalk', tag: 5, fid: 0, newfid: 1, wname: ['a'] }, '9P2000');
  const cases: [string, Uint8Array, Dialect, RegExp][] = [
    ['shorter than a header', wire('0600 0000 6e01'), '9P2000', /shorter than a header/],
    ['size field too big', wire('0c000000 78 0500 00000000'), '9P2000', /size field says 12/],
    ['trailing bytes', wire('0c000000 78 0500 00000000 00'), '9P2000', /1 trailing bytes/],
    ['overrun', wire('0a000000 78 0500 000000'), '9P2000', /too short/],
    ['unknown type', wire('07000000 06 0500'), '9P2000.L', /no message type 6/],
    ['.L message in 9P2000', wire('0b000000 0c 0500 00000000'), '9P2000', /no message type 12/],
    ['17 walk names', wire('11000000 6e 0500 00000000 01000000 1100'), '9P2000', /17 elements/],
    ['huge walk count', wire('11000000 6e 0500 00000000 01000000 ffff'), '9P2000', /65535 elements/],
    ['huge data count', wire('0d000000 75 0500 ffffffff 0000'), '9P2000', /too short/],
    ['string longer than the message', wire('0b000000 6b 0500 ffff 6869'), '9P2000', /too short/],
    ['string not UTF-8', wire('0b000000 6b 0500 0200 c328'), '9P2000', /not UTF-8/],
    ['stat n disagrees', wire('3e000000 7d 0200 3500 3200 0000 00000000 80 01000000 1000000000000000 ed010080 01000000 02000000 0000000000000000 0100 61 0100 75 0100 67 0000 00'), '9P2000', /stat\[n\] says 53/],
    ['.u Rerror read as 9P2000', wire('0f000000 6b 0300 0200 6869 02000000'), '9P2000', /4 trailing bytes/],
    ['twalk cut short', twalk.subarray(0, twalk.length - 1), '9P2000', /size field/],
  ];
  for (const [name, bytes, dialect, want] of cases) {
    test(name, () => {
      const r = decode(bytes, dialect);
      assert.ok(r instanceof DecodeError, `decoded: ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
      assert.match(r.message, want);
      assert.equal(r.errno, 'EBADMSG');
      if (bytes.length >= 7) assert.equal(r.tag, bytes[5]! | (bytes[6]! << 8));
    });
  }

  test('a leading byte-order mark survives the round trip', () => {
    const m: Msg = { kind: 'Rreadlink', tag: 1, target: '\ufeffx' };
    assertDecodes(encode(m, '9P2000.L'), '9P2000.L', m);
  });
});

describe('encode refuses what decode could not give back', () => {
  const refuses = (m: Msg, d: Dialect, errno: string) =>
    assert.throws(() => encode(m, d), (e: GoblinError) => e instanceof GoblinError && e.errno === errno);
  test('more than 16 walk names', () =>
    refuses({ kind: 'Twalk', tag: 1, fid: 0, newfid: 1, wname: Array(17).fill('x') }, '9P2000', 'EINVAL'));
  test('string over 65535 bytes', () =>
    refuses({ kind: 'Rreadlink', tag: 1, target: 'é'.repeat(32768) }, '9P2000.L', 'ENAMETOOLONG'));
  test('lone surrogate', () => refuses({ kind: 'Rreadlink', tag: 1, target: 'a\ud800' }, '9P2000.L', 'EILSEQ'));
  test('numbers out of range', () => {
    refuses({ kind: 'Tclunk', tag: 1, fid: -1 }, '9P2000', 'EINVAL');
    refuses({ kind: 'Tclunk', tag: 1, fid: 2 ** 32 }, '9P2000', 'EINVAL');
    refuses({ kind: 'Tclunk', tag: 1, fid: 1.5 }, '9P2000', 'EINVAL');
    refuses({ kind: 'Tclunk', tag: 0x10000, fid: 1 }, '9P2000', 'EINVAL');
    refuses({ kind: 'Tread', tag: 1, fid: 1, offset: 1n << 64n, count: 1 }, '9P2000', 'EINVAL');
    refuses({ kind: 'Tread', tag: 1, fid: 1, offset: 0 as unknown as bigint, count: 1 }, '9P2000', 'EINVAL');
  });
  test('a message the dialect lacks', () => refuses({ kind: 'Tlopen', tag: 1, fid: 1, flags: 0 }, '9P2000.u', 'EPROTO'));
  test('encodeInto writes the same bytes at an offset, or nothing when they do not fit', () => {
    const m: Msg = { kind: 'Twalk', tag: 1, fid: 0, newfid: 1, wname: ['a', 'b'] };
    const out = new Uint8Array(30);
    assert.equal(encodeInto(m, '9P2000', out, 5), 23);
    assert.deepEqual(out.subarray(5, 28), encode(m, '9P2000'));
    const small = new Uint8Array(22);
    assert.throws(() => encodeInto(m, '9P2000', small), (e: GoblinError) => e.errno === 'EMSGSIZE');
    assert.deepEqual(small, new Uint8Array(22));
  });
});

describe('fuzz: decode returns an error or a message that re-encodes to the same bytes', () => {
  function holds(bytes: Uint8Array): void {
    for (const d of dialects) {
      const r = decode(bytes, d); // a throw fails the property
      if (r instanceof DecodeError) continue;
      assert.deepEqual(encode(r, d), bytes, `${d}: ${trace(r)}`);
      trace(r);
    }
  }
  const setU32 = (b: Uint8Array, at: number, v: number) => {
    if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0, true);
  };

  type Mutation = (b: Uint8Array) => Uint8Array;
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([i, bit]): Mutation => (b) => {
      const c = b.slice(); c[i % c.length]! ^= 1 << bit; return c;
    }),
    fc.nat().map((k): Mutation => (b) => b.slice(0, k % (b.length + 1))),
    fc.nat().map((k): Mutation => (b) => { // truncate, then keep the size field honest
      const c = b.slice(0, Math.max(7, k % (b.length + 1))); setU32(c, 0, c.length); return c;
    }),
    u32.map((v): Mutation => (b) => { const c = b.slice(); setU32(c, 0, v); return c; }),
    fc.tuple(fc.nat(), fc.constantFrom(0xff, 0xffff, 0xffffffff, 0x7fffffff, 17)).map(([i, v]): Mutation => (b) => {
      const c = b.slice(); // a huge count somewhere past the header
      if (c.length < 11) return c;
      const at = 7 + (i % (c.length - 10));
      if (v <= 0xffff) { c[at] = v & 0xff; c[at + 1] = v >> 8; } else setU32(c, at, v);
      return c;
    }),
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra): Mutation => (b) => {
      const c = new Uint8Array(b.length + extra.length); c.set(b); c.set(extra, b.length); setU32(c, 0, c.length); return c;
    }),
    u8.map((t): Mutation => (b) => { const c = b.slice(); c[4] = t; return c; }),
  );

  test('mutated valid messages', () => {
    fc.assert(
      fc.property(arbAny, fc.array(mutation, { minLength: 1, maxLength: 3 }), ([msg, d], ms) => {
        let b = encode(msg, d);
        holds(b);
        for (const m of ms) b = m(b);
        holds(b);
      }),
      { numRuns: 60000 },
    );
  });

  test('random bodies behind an honest header', () => {
    const types = [...new Set(msgDefs.map((d) => d.type)), 0, 6, 106, 255];
    fc.assert(
      fc.property(fc.constantFrom(...types), u16, fc.uint8Array({ maxLength: 120 }), (type, tag, body) => {
        const b = new Uint8Array(7 + body.length);
        setU32(b, 0, b.length); b[4] = type; b[5] = tag & 0xff; b[6] = tag >> 8; b.set(body, 7);
        holds(b);
      }),
      { numRuns: 50000 },
    );
  });

  // Walk arrays of any count up to 24, well formed except perhaps for the limit of 16.
  test('walk arrays around the limit', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 24 }).chain((n) => fc.array(fc.string({ maxLength: 3 }), { minLength: n, maxLength: n })), (twalk, names) => {
        const items = twalk
          ? names.map((n) => (n.length ? wire('0100', '"x"') : wire('0000')))
          : names.map(() => new Uint8Array(13));
        if (!twalk) for (const q of items) q[0] = QTDIR;
        const head = twalk ? wire('00000000 6e 0100 00000000 01000000') : wire('00000000 6f 0100');
        const body = [head, wire(names.length.toString(16).padStart(2, '0') + '00'), ...items];
        const b = new Uint8Array(body.reduce((n, x) => n + x.length, 0));
        let at = 0;
        for (const x of body) { b.set(x, at); at += x.length; }
        setU32(b, 0, b.length);
        holds(b);
        assert.equal(decode(b, '9P2000') instanceof DecodeError, names.length > 16);
      }),
      { numRuns: 2000 },
    );
  });

  // A stat of one dialect, perhaps with bytes added inside it, in an Rstat of each dialect.
  test('stats with extra or missing bytes inside them', () => {
    const stat = (d: Dialect) => arbStruct(statLayout, d) as fc.Arbitrary<Stat>;
    fc.assert(
      fc.property(
        fc.constantFrom<Dialect>('9P2000', '9P2000.u'), fc.constantFrom<Dialect>('9P2000', '9P2000.u'),
        fc.uint8Array({ maxLength: 20 }), fc.integer({ min: -3, max: 3 }),
        fc.constantFrom<Dialect>('9P2000', '9P2000.u').chain(stat),
        (d1, d2, extra, skew, st) => {
          const inner = encodeStat({ ...st, ...(d1 === '9P2000.u' ? { extension: '', n_uid: 1, n_gid: 2, n_muid: 3 } : {}) }, d1);
          const b = new Uint8Array(9 + inner.length + extra.length);
          b.set(wire('00000000 7d 0100 0000'));
          b.set(inner, 9);
          b.set(extra, 9 + inner.length);
          const n = inner.length + extra.length;
          b[7] = n & 0xff; b[8] = n >> 8;
          const statSize = Math.max(0, n - 2 + skew);
          b[9] = statSize & 0xff; b[10] = statSize >> 8;
          setU32(b, 0, b.length);
          holds(b);
          const r = decode(b, d2);
          if (extra.length === 0 && skew === 0 && d1 === d2) assert.ok(!(r instanceof DecodeError));
        },
      ),
      { numRuns: 10000 },
    );
  });

  test('mutated directory reads unpack to an error or to records that pack back the same', () => {
    const dirent = fc.record({ qid, offset: u64, type: u8, name: str }, { noNullPrototype: true });
    fc.assert(
      fc.property(
        fc.constantFrom<Dialect>('9P2000', '9P2000.u', '9P2000.L'), fc.array(fc.nat(), { maxLength: 4 }),
        fc.nat(), fc.integer({ min: 1, max: 255 }),
        fc.array(dirent, { maxLength: 4 }), fc.array(arbStruct(statLayout, '9P2000.u') as fc.Arbitrary<Stat>, { maxLength: 4 }),
        (d, flips, cut, xor, dirents, stats) => {
          const packed = d === '9P2000.L' ? packDirents(dirents, 1e6).data : packStats(stats, 1e6, d).data;
          const b = packed.slice(0, packed.length - (cut % 3 === 0 ? cut % (packed.length + 1) : 0));
          for (const f of flips) if (b.length) b[f % b.length]! ^= xor;
          if (d === '9P2000.L') {
            const r = unpackDirents(b);
            if (!(r instanceof DecodeError)) assert.deepEqual(packDirents(r, b.length).data, b);
          } else {
            const r = unpackStats(b, d);
            if (!(r instanceof DecodeError)) assert.deepEqual(packStats(r, b.length, d).data, b);
          }
        },
      ),
      { numRuns: 10000 },
    );
  });

  test('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), holds), { numRuns: 20000 });
  });
});

describe('framer', () => {
  const frames = (f: Framer, chunks: Uint8Array[]) => {
    const out: Uint8Array[] = [];
    let err: GoblinError | undefined;
    for (const c of chunks) err ??= f.push(c, (m) => out.push(m.slice()));
    return { out, err };
  };

  test('cuts a stream split anywhere into the same messages, holding at most msize', () => {
    fc.assert(
      fc.property(fc.array(arbAny, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (msgs, cuts) => {
        const encoded = msgs.map(([m, d]) => encode(m, d));
        const stream = new Uint8Array(encoded.reduce((n, b) => n + b.length, 0));
        let at = 0;
        for (const b of encoded) { stream.set(b, at); at += b.length; }
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) { chunks.push(stream.slice(prev, p)); prev = p; }
        const msize = Math.max(...encoded.map((b) => b.length));
        const f = new Framer(msize);
        const out: Uint8Array[] = [];
        for (const c of chunks) {
          assert.equal(f.push(c, (m) => out.push(m.slice())), undefined);
          assert.ok(f.pending <= msize);
        }
        assert.deepEqual(out, encoded);
        assert.equal(f.pending, 0);
      }),
      { numRuns: 500 },
    );
  });

  test('large messages cut anywhere arrive whole (the partial buffer grows as bytes come); clear() drops one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300_000 }), { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 12 }), (lens, cuts) => {
        const encoded = lens.map((n, i) => encode({ kind: 'Twrite', tag: i, fid: 1, offset: 0n, data: new Uint8Array(n).map((_, j) => j * 31 + i) }, '9P2000'));
        const stream = new Uint8Array(encoded.reduce((n, b) => n + b.length, 0));
        let at = 0;
        for (const b of encoded) { stream.set(b, at); at += b.length; }
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const f = new Framer(400_000);
        const out: Uint8Array[] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) {
          assert.equal(f.push(stream.slice(prev, p), (m) => out.push(m.slice())), undefined);
          prev = p;
        }
        assert.deepEqual(out, encoded);
        assert.equal(f.pending, 0);
      }),
      { numRuns: 100 },
    );
    const f = new Framer(1 << 21);
    const big = encode({ kind: 'Twrite', tag: 1, fid: 1, offset: 0n, data: new Uint8Array(1 << 20) }, '9P2000');
    f.push(big.subarray(0, 100_000), () => assert.fail('not whole yet'));
    assert.equal(f.pending, 100_000);
    f.clear();
    assert.equal(f.pending, 0);
    const out: Uint8Array[] = [];
    f.push(big.slice(), (m) => out.push(m));
    assert.equal(out.length, 1);
  });

  test('one byte at a time', () => {
    const m = encode({ kind: 'Twalk', tag: 1, fid: 0, newfid: 1, wname: ['a', 'b'] }, '9P2000');
    const { out, err } = frames(new Framer(8192), [...m].map((x) => new Uint8Array([x])));
    assert.equal(err, undefined);
    assert.deepEqual(out, [m]);
  });

  test('size below 7 breaks the stream for good', () => {
    const f = new Framer(8192);
    const { out, err } = frames(f, [wire('0b000000 07 0100 02000000'), wire('06000000 00 0000')]);
    assert.equal(out.length, 1);
    assert.equal(err?.errno, 'EBADMSG');
    assert.equal(f.push(wire('0b000000 07 0100 02000000'), () => assert.fail('delivered after error')), err);
  });

  test('size above msize is refused from the size field alone, before any body arrives', () => {
    const f = new Framer(8192);
    assert.equal(f.push(wire('0120'), () => {}), undefined);
    const err = f.push(wire('0000'), () => {});
    assert.equal(err?.errno, 'EMSGSIZE');
    assert.equal(f.pending, 0);
    assert.equal(new Framer(8192).push(wire('ffffffff 64'), () => {})?.errno, 'EMSGSIZE');
  });

  test('a message of exactly msize passes; msize can be lowered after Tversion', () => {
    const msize = DEFAULT_MSIZE;
    const big: Msg = { kind: 'Twrite', tag: 1, fid: 1, offset: 0n, data: new Uint8Array(iounit(msize)) };
    assert.ok(size(big, '9P2000.L') <= msize);
    const full = { kind: 'Rread', tag: 1, data: new Uint8Array(msize - 11) } as const;
    const bytes = encode(full, '9P2000.L');
    assert.equal(bytes.length, msize);
    const f = new Framer(msize);
    const { out, err } = frames(f, [bytes.subarray(0, 1000), bytes.subarray(1000)]);
    assert.equal(err, undefined);
    assert.equal(out[0]!.length, msize);
    f.msize = 8192;
    assert.equal(f.push(bytes, () => {})?.errno, 'EMSGSIZE');
  });
});

describe('packing whole records', () => {
  const dirent: fc.Arbitrary<Dirent> = fc.record({ qid, offset: u64, type: u8, name: str }, { noNullPrototype: true });
  test('packDirents keeps whole entries within count', () => {
    fc.assert(
      fc.property(fc.array(dirent, { maxLength: 12 }), fc.integer({ min: 0, max: 400 }), (entries, count) => {
        const { data, n } = packDirents(entries, count);
        assert.ok(data.length <= count);
        assert.deepEqual(unpackDirents(data), entries.slice(0, n));
        if (n < entries.length) assert.ok(data.length + direntLength(entries[n]!) > count);
      }),
      { numRuns: 500 },
    );
  });

  test('packStats keeps whole stats within count, in each dialect', () => {
    for (const d of ['9P2000', '9P2000.u'] as const) {
      const stat = arbStruct(statLayout, d) as fc.Arbitrary<Stat>;
      fc.assert(
        fc.property(fc.array(stat, { maxLength: 8 }), fc.integer({ min: 0, max: 600 }), (stats, count) => {
          const { data, n } = packStats(stats, count, d);
          assert.ok(data.length <= count);
          assert.deepEqual(unpackStats(data, d), stats.slice(0, n));
          if (n < stats.length) assert.ok(data.length + statLength(stats[n]!, d) > count);
        }),
        { numRuns: 300 },
      );
    }
  });

  test('a record cut short is an error', () => {
    const { data } = packDirents([{ qid: { type: 0, version: 0, path: 1n }, offset: 1n, type: 0, name: 'abc' }], 100);
    assert.ok(unpackDirents(data.subarray(0, data.length - 1)) instanceof DecodeError);
    const s = encodeStat(nullStat('9P2000'), '9P2000');
    assert.ok(unpackStats(s.subarray(0, 10), '9P2000') instanceof DecodeError);
    assert.ok(decodeStat(s, '9P2000.u') instanceof DecodeError);
  });
});

describe('version negotiation', () => {
  /** A client that starts at 9P2000.L and steps down, against a server speaking `supported`. */
  function negotiate(supported: readonly Dialect[], clientMsize = 65536, serverLimit = MAX_MSIZE) {
    let asked: Dialect = '9P2000.L';
    for (;;) {
      const reply = serverVersion({ msize: clientMsize, version: asked }, supported, serverLimit);
      const r = clientVersion(asked, clientMsize, reply);
      if (r instanceof GoblinError || !('retry' in r)) return r;
      asked = r.retry;
    }
  }

  test('client asks .L and falls back .L -> .u -> 9P2000', () => {
    assert.deepEqual(negotiate(dialects), { dialect: '9P2000.L', msize: 65536 });
    assert.deepEqual(negotiate(['9P2000.L']), { dialect: '9P2000.L', msize: 65536 });
    assert.deepEqual(negotiate(['9P2000.u']), { dialect: '9P2000.u', msize: 65536 });
    assert.deepEqual(negotiate(['9P2000.u', '9P2000']), { dialect: '9P2000.u', msize: 65536 });
    assert.deepEqual(negotiate(['9P2000']), { dialect: '9P2000', msize: 65536 });
    assert.deepEqual(negotiate(dialects, 1 << 22, 1 << 20), { dialect: '9P2000.L', msize: 1 << 20 });
    assert.equal((negotiate([]) as GoblinError).errno, 'EPROTONOSUPPORT');
  });

  test('server answers', () => {
    assert.deepEqual(serverVersion({ msize: 8192, version: '9P2000.L' }, ['9P2000.L']),
      { msize: 8192, version: '9P2000.L', dialect: '9P2000.L' });
    assert.equal(serverVersion({ msize: 8192, version: '9P2000.u' }, ['9P2000.L']).version, 'unknown');
    assert.equal(serverVersion({ msize: 8192, version: '9P2000.x' }, dialects).version, '9P2000');
    assert.equal(serverVersion({ msize: 8192, version: '9P1' }, dialects).version, 'unknown');
    assert.equal(serverVersion({ msize: 100, version: '9P2000' }, dialects).version, 'unknown');
  });

  test('client refuses a reply that breaks the rules', () => {
    assert.equal((clientVersion('9P2000.L', 8192, { msize: 16384, version: '9P2000.L' }) as GoblinError).errno, 'EPROTO');
    assert.equal((clientVersion('9P2000', 8192, { msize: 8192, version: '9P2000.L' }) as GoblinError).errno, 'EPROTO');
    assert.equal((clientVersion('9P2000.L', 8192, { msize: 8192, version: 'X' }) as GoblinError).errno, 'EPROTO');
    assert.equal((clientVersion('9P2000.L', 8192, { msize: 512, version: '9P2000.L' }) as GoblinError).errno, 'EMSGSIZE');
  });

  test('msize clamp and iounit', () => {
    assert.equal(ok(clampMsize(8192, DEFAULT_MSIZE)), 8192);
    assert.equal(ok(clampMsize(1 << 20)), 1 << 20);
    assert.equal(ok(clampMsize(1 << 26, DEFAULT_MSIZE)), DEFAULT_MSIZE);
    assert.equal(ok(clampMsize(1 << 30)), MAX_MSIZE);
    assert.equal((clampMsize(MIN_MSIZE - 1) as GoblinError).errno, 'EMSGSIZE');
    assert.equal(iounit(8192 + 24), 8192);
    assert.equal(iounit(DEFAULT_MSIZE), 1 << 20);
  });
});

describe('trace', () => {
  const lines: [Msg, string][] = [
    [{ kind: 'Tversion', tag: NOTAG, msize: 8192, version: '9P2000.L' }, 'Tversion tag 65535 msize 8192 version "9P2000.L"'],
    [{ kind: 'Twalk', tag: 1, fid: 0, newfid: 1, wname: ['a', 'b'] }, 'Twalk tag 1 fid 0 newfid 1 "a" "b"'],
    [{ kind: 'Twalk', tag: 1, fid: 0, newfid: 1, wname: [] }, 'Twalk tag 1 fid 0 newfid 1'],
    [{ kind: 'Rwalk', tag: 1, wqid: [{ type: QTDIR, version: 0, path: 7n }, { type: 0, version: 2, path: 9n }] },
      'Rwalk tag 1 (0000000000000007 0 d) (0000000000000009 2)'],
    [{ kind: 'Tattach', tag: 1, fid: 0, afid: NOFID, uname: 'root', aname: '/tmp/9', n_uname: NONUNAME },
      'Tattach tag 1 fid 0 afid 4294967295 uname "root" aname "/tmp/9" n_uname 4294967295'],
    [{ kind: 'Rerror', tag: 3, ename: 'file does not exist', errno: 2 }, 'Rerror tag 3 ename "file does not exist" errno 2'],
    [{ kind: 'Tlcreate', tag: 1, fid: 2, name: 'foo', flags: 0x8241, mode: 0o100644, gid: 500 },
      'Tlcreate tag 1 fid 2 name "foo" flags 0x8241 mode 0100644 gid 500'],
    [{ kind: 'Tgetattr', tag: 1, fid: 1, request_mask: 0x7ffn }, 'Tgetattr tag 1 fid 1 request_mask 0x7ff'],
    [{ kind: 'Rread', tag: 1, data: new TextEncoder().encode('hello\n') }, 'Rread tag 1 count 6 "hello\\n"'],
    [{ kind: 'Rread', tag: 1, data: new Uint8Array([0, 1, 0xff]) }, 'Rread tag 1 count 3 <0001ff>'],
    [{ kind: 'Twrite', tag: 1, fid: 3, offset: 0n, data: new Uint8Array(0) }, 'Twrite tag 1 fid 3 offset 0 count 0'],
    [{ kind: 'Rclunk', tag: 4 }, 'Rclunk tag 4'],
    [{ kind: 'Rlerror', tag: 1, ecode: 2 }, 'Rlerror tag 1 ecode 2'],
    [{ kind: 'Rstat', tag: 2, stat: {
      type: 0, dev: 0, qid: { type: QTDIR, version: 1, path: 16n }, mode: (DMDIR | 0o755) >>> 0, atime: 1, mtime: 2,
      length: 0n, name: 'a', uid: 'u', gid: 'g', muid: '' } },
    'Rstat tag 2 stat {type 0 dev 0 qid (0000000000000010 1 d) mode 020000000755 atime 1 mtime 2 length 0 name "a" uid "u" gid "g" muid ""}'],
  ];
  for (const [msg, line] of lines) test(line, () => assert.equal(trace(msg), line));
  test('an undecodable message', () => {
    const e = decode(wire('0b000000 0c 0500 00000000'), '9P2000') as DecodeError;
    assert.equal(traceError(e), 'error tag 5 type 12 "9P: no message type 12 in 9P2000"');
  });
});
