// Writer: fills a buffer whose size was computed beforehand (fields.ts sizes
// and validates every value first, so nothing here checks ranges).

import type { Qid } from './qid.ts';

const encoder = new TextEncoder();

// u64s go through one scratch cell, so a Writer needs no DataView of its own.
const scratch = new DataView(new ArrayBuffer(8));

export class Writer {
  readonly buf: Uint8Array;
  pos: number;

  /** Write into `buf` from `pos`, or into a fresh buffer of `buf` bytes. */
  constructor(buf: number | Uint8Array, pos = 0) {
    this.buf = typeof buf === 'number' ? new Uint8Array(buf) : buf;
    this.pos = pos;
  }

  u8(v: number): void {
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    const b = this.buf;
    b[this.pos++] = v;
    b[this.pos++] = v >>> 8;
  }

  u32(v: number): void {
    const b = this.buf;
    b[this.pos++] = v;
    b[this.pos++] = v >>> 8;
    b[this.pos++] = v >>> 16;
    b[this.pos++] = v >>> 24;
  }

  /** Overwrite a u16 written earlier (a length known only afterwards). */
  patch16(at: number, v: number): void {
    this.buf[at] = v;
    this.buf[at + 1] = v >>> 8;
  }

  u64(v: bigint): void {
    scratch.setBigUint64(0, v, true);
    this.u32(scratch.getUint32(0, true));
    this.u32(scratch.getUint32(4, true));
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** len[2] then UTF-8, encoded straight into the buffer. */
  string(s: string): void {
    const at = this.pos;
    if (s.length === 0) {
      this.pos += 2;
      return this.patch16(at, 0);
    }
    const { written } = encoder.encodeInto(s, this.buf.subarray(at + 2));
    this.patch16(at, written);
    this.pos = at + 2 + written;
  }

  qid(q: Qid): void {
    this.u8(q.type);
    this.u32(q.version);
    this.u64(q.path);
  }
}

/** UTF-8 length of a well-formed string; -1 if it holds a lone surrogate (which UTF-8 cannot carry). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return -1;
      n += 4;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return -1;
    else n += 3;
  }
  return n;
}
