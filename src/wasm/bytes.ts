// Byte cursor and byte builder for the wasm binary format (LEB128 integers, vectors).
// The reader throws one kind of error, GoblinError(ENOEXEC), naming the offset where
// the module stopped making sense; every read consumes at least one byte or throws,
// so a loop over a hostile count always ends at the end of the input.
import { GoblinError } from '../error.ts';

export function malformed(what: string, at?: number): GoblinError {
  return new GoblinError('ENOEXEC', `malformed wasm module: ${what}${at === undefined ? '' : ` at offset ${at}`}`);
}

export class Reader {
  readonly buf: Uint8Array;
  pos: number;
  end: number;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get done(): boolean { return this.pos >= this.end; }

  byte(): number {
    if (this.pos >= this.end) throw malformed('unexpected end', this.pos);
    return this.buf[this.pos++]!;
  }

  /** An unsigned LEB128 of at most 32 bits. */
  u32(): number {
    let result = 0;
    for (let i = 0, scale = 1; i < 5; i++, scale *= 128) {
      const b = this.byte();
      if (i === 4 && b > 0x0f) throw malformed('integer too large', this.pos - 1);
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
    }
    throw malformed('integer too long', this.pos);
  }

  /** A signed LEB128 of at most 33 bits (block types, heap types). */
  s33(): number {
    let result = 0, scale = 1, b = 0;
    for (let i = 0; i < 5; i++, scale *= 128) {
      b = this.byte();
      // the fifth byte holds bits 28-32: the three above them must copy the sign, bit 32
      if (i === 4 && (b & 0x70) !== 0 && (b & 0x70) !== 0x70) throw malformed('integer too large', this.pos - 1);
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return b & 0x40 ? result - scale * 128 : result;
    }
    throw malformed('integer too long', this.pos);
  }

  /** Skips a LEB128 integer of at most `max` bytes without decoding it. */
  leb(max: number): void {
    for (let i = 0; i < max; i++) if ((this.byte() & 0x80) === 0) return;
    throw malformed('integer too long', this.pos);
  }

  skip(n: number): void {
    if (n > this.end - this.pos) throw malformed('unexpected end', this.end);
    this.pos += n;
  }

  /** A length-prefixed byte string (a name), as a view into the input. */
  vec(): Uint8Array {
    const n = this.u32();
    const at = this.pos;
    this.skip(n);
    return this.buf.subarray(at, at + n);
  }

  /** A reader over the next n bytes; this reader moves past them. */
  sub(n: number): Reader {
    const at = this.pos;
    this.skip(n);
    return new Reader(this.buf, at, at + n);
  }
}

export class Writer {
  private buf: Uint8Array<ArrayBuffer>;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): this {
    this.room(1);
    this.buf[this.length++] = b;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  u32(n: number): this {
    this.room(5);
    do {
      const low = n % 128;
      n = Math.floor(n / 128);
      this.buf[this.length++] = n === 0 ? low : low | 0x80;
    } while (n !== 0);
    return this;
  }

  /** A signed LEB128 of any safe integer. */
  sleb(n: number): this {
    this.room(10);
    for (;;) {
      const low = ((n % 128) + 128) % 128;
      n = (n - low) / 128;
      const last = (n === 0 && (low & 0x40) === 0) || (n === -1 && (low & 0x40) !== 0);
      this.buf[this.length++] = last ? low : low | 0x80;
      if (last) return this;
    }
  }

  /** A length-prefixed byte string. */
  vec(b: Uint8Array): this {
    return this.u32(b.length).bytes(b);
  }

  reset(): void { this.length = 0; }

  /** What was written, as a view valid until the next write or reset. */
  view(): Uint8Array { return this.buf.subarray(0, this.length); }

  /** A copy of what was written. */
  take(): Uint8Array<ArrayBuffer> { return this.buf.slice(0, this.length); }
}
