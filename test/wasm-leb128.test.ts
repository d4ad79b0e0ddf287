// LEB128 in the wasm byte reader and writer (src/wasm/bytes.ts), against a reference
// coder written here with BigInt from the wasm spec's definition (binary/values:
// at most ceil(N/7) bytes, and the bits of the last byte beyond N must be zero for
// unsigned integers, a copy of the sign bit for signed ones).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { GoblinError } from '../src/error.ts';
import { Reader, Writer } from '../src/wasm/bytes.ts';

const runs = { numRuns: 500 };

function uleb(v: bigint): number[] {
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return out;
}

function sleb(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n; // arithmetic: -1 stays -1
    const last = (v === 0n && !(b & 0x40)) || (v === -1n && (b & 0x40) !== 0);
    out.push(last ? b : b | 0x80);
    if (last) return out;
  }
}

/** The same value in `len` bytes: continuation bits on padding that repeats the sign. */
function padded(bytes: number[], len: number, negative = false): number[] {
  if (len <= bytes.length) return bytes;
  const out = bytes.slice();
  out[out.length - 1]! |= 0x80;
  while (out.length < len - 1) out.push(negative ? 0xff : 0x80);
  out.push(negative ? 0x7f : 0x00);
  return out;
}

/** The reference reading of an unsigned or signed LEB128 of at most `bits` bits; null when malformed. */
function decode(bytes: number[], bits: number, signed: boolean): { value: bigint; length: number } | null {
  const max = Math.ceil(bits / 7);
  let v = 0n;
  for (let i = 0; i < Math.min(bytes.length, max); i++) {
    const b = bytes[i]!;
    v |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b & 0x80) continue;
    const width = 7 * (i + 1);
    if (signed) {
      const value = BigInt.asIntN(width, v);
      return value === BigInt.asIntN(bits, value) ? { value, length: i + 1 } : null; // the bits past N copy the sign
    }
    return v < 1n << BigInt(bits) ? { value: v, length: i + 1 } : null; // the bits past N are zero
  }
  return null; // truncated, or longer than ceil(N/7) bytes
}

/** What a read gives: its value and the bytes it took, or the errno it throws (only a GoblinError is allowed). */
function attempt(bytes: number[], read: (r: Reader) => number | void): { value: number | undefined; length: number } | string {
  const r = new Reader(new Uint8Array(bytes));
  try {
    const value = read(r);
    return { value: value ?? undefined, length: r.pos };
  } catch (e) {
    assert.ok(e instanceof GoblinError, `threw ${String(e)}`);
    return e.errno;
  }
}

const edges = (bits: number, signed: boolean): bigint[] => {
  const out = new Set<bigint>([0n, 1n]);
  for (let k = 7; k < bits; k += 7) for (const d of [-1n, 0n]) out.add((1n << BigInt(k)) + d);
  out.add((1n << BigInt(signed ? bits - 1 : bits)) - 1n);
  if (signed) for (const v of [...out]) { out.add(-v); out.add(-v - 1n); }
  return [...out];
};
const u32s = fc.oneof(fc.constantFrom(...edges(32, false)), fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }));
const s33s = fc.oneof(fc.constantFrom(...edges(33, true)), fc.bigInt({ min: -(2n ** 32n), max: 2n ** 32n - 1n }));
const i32s = fc.oneof(fc.constantFrom(...edges(32, true)), fc.bigInt({ min: -(2n ** 31n), max: 2n ** 31n - 1n }));
const i64s = fc.oneof(fc.constantFrom(...edges(64, true)), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
const u64s = fc.oneof(fc.constantFrom(...edges(64, false)), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
const safe = fc.oneof(fc.constantFrom(0, -1, 63, 64, -64, -65, 2 ** 31 - 1, -(2 ** 31), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  fc.maxSafeInteger());
const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 12 });
/** Mostly continuation bytes, so long and truncated encodings turn up often. */
const lebish = fc.array(fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 255 })), { maxLength: 12 });

test('u32: the writer writes the shortest encoding, and the reader reads it back', () => {
  fc.assert(fc.property(u32s, v => {
    const w = new Writer(1).u32(Number(v));
    assert.deepEqual([...w.view()], uleb(v));
    assert.deepEqual(attempt(uleb(v), r => r.u32()), { value: Number(v), length: uleb(v).length });
  }), runs);
});

test('u32: padded encodings of up to 5 bytes read as their value', () => {
  fc.assert(fc.property(u32s, fc.integer({ min: 1, max: 5 }), (v, len) => {
    const b = padded(uleb(v), len);
    assert.deepEqual(attempt(b, r => r.u32()), { value: Number(v), length: b.length });
  }), runs);
});

test('u32: truncated, 6-byte and too-large encodings are ENOEXEC', () => {
  fc.assert(fc.property(u32s, v => {
    const b = uleb(v);
    for (let n = 0; n < b.length; n++) assert.equal(attempt(b.slice(0, n), r => r.u32()), 'ENOEXEC', `prefix ${n} of ${b}`);
    assert.equal(attempt(padded(b, 6), r => r.u32()), 'ENOEXEC', 'six bytes');
  }), runs);
  fc.assert(fc.property(fc.bigInt({ min: 2n ** 32n, max: 2n ** 35n - 1n }), v => {
    assert.equal(attempt(uleb(v), r => r.u32()), 'ENOEXEC', `${v} in five bytes`);
  }), runs);
});

test('u32 on any bytes: the reference value and length, or ENOEXEC, never another error', () => {
  fc.assert(fc.property(fc.oneof(bytes, lebish), b => {
    const want = decode(b, 32, false);
    assert.deepEqual(attempt(b, r => r.u32()), want ? { value: Number(want.value), length: want.length } : 'ENOEXEC', `${b}`);
  }), { numRuns: 2000 });
});

test('s33: encodings of every 33-bit value, shortest or padded to 5 bytes, read back', () => {
  fc.assert(fc.property(s33s, fc.integer({ min: 1, max: 5 }), (v, len) => {
    const b = padded(sleb(v), len, v < 0n);
    assert.deepEqual(attempt(b, r => r.s33()), { value: Number(v), length: b.length }, `${b}`);
  }), runs);
});

test('s33 on any bytes: the reference value and length, or ENOEXEC, never another error', () => {
  fc.assert(fc.property(fc.oneof(bytes, lebish), b => {
    const want = decode(b, 33, true);
    assert.deepEqual(attempt(b, r => r.s33()), want ? { value: Number(want.value), length: want.length } : 'ENOEXEC', `${b}`);
  }), { numRuns: 2000 });
});

test('sleb: the writer writes the shortest signed encoding of any safe integer', () => {
  fc.assert(fc.property(safe, v => {
    assert.deepEqual([...new Writer(1).sleb(v).view()], sleb(BigInt(v)));
  }), runs);
});

test('leb(5) skips exactly an i32 or u32, leb(10) an i64 or u64, and refuses what is longer or cut short', () => {
  const skips = (b: number[], max: number) => attempt(b, r => r.leb(max));
  fc.assert(fc.property(i32s, u32s, i64s, u64s, (i32, u32, i64, u64) => {
    for (const [b, max] of [[sleb(i32), 5], [uleb(u32), 5], [sleb(i64), 10], [uleb(u64), 10]] as const) {
      assert.deepEqual(skips([...b, 0x0b], max), { value: undefined, length: b.length }, `${b}`);
      assert.equal(skips(b.slice(0, -1), max), 'ENOEXEC');
      assert.equal(skips(padded(b, max + 1), max), 'ENOEXEC');
    }
  }), runs);
});

test('a run of writes is their encodings one after another, whatever the starting capacity', () => {
  const op = fc.oneof(
    u32s.map(v => ({ u32: v })), fc.maxSafeInteger().map(v => ({ sleb: v })),
    fc.uint8Array({ maxLength: 40 }).map(v => ({ vec: v })), fc.integer({ min: 0, max: 255 }).map(v => ({ byte: v })));
  fc.assert(fc.property(fc.integer({ min: 1, max: 16 }), fc.array(op, { maxLength: 30 }), (capacity, ops) => {
    const w = new Writer(capacity), want: number[] = [];
    for (const o of ops) {
      if ('u32' in o) { w.u32(Number(o.u32)); want.push(...uleb(o.u32)); }
      else if ('sleb' in o) { w.sleb(o.sleb); want.push(...sleb(BigInt(o.sleb))); }
      else if ('vec' in o) { w.vec(o.vec); want.push(...uleb(BigInt(o.vec.length)), ...o.vec); }
      else { w.byte(o.byte); want.push(o.byte); }
    }
    assert.deepEqual([...w.take()], want);
    // and the reader takes it apart again
    const r = new Reader(w.take());
    for (const o of ops) {
      if ('u32' in o) assert.equal(r.u32(), Number(o.u32));
      else if ('sleb' in o) r.leb(10);
      else if ('vec' in o) assert.deepEqual(r.vec(), o.vec);
      else assert.equal(r.byte(), o.byte);
    }
    assert.ok(r.done);
  }), runs);
});

test('vec and sub: a length past the end is ENOEXEC', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 20 }), fc.integer({ min: 1, max: 1000 }), (body, over) => {
    const b = [...uleb(BigInt(body.length + over)), ...body];
    assert.equal(attempt(b, r => { r.vec(); }), 'ENOEXEC');
    assert.equal(attempt([...body], r => { r.sub(body.length + over); }), 'ENOEXEC');
  }), runs);
});
