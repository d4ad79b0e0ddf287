// Cursor: the one way the decoder reads bytes. Reads past the end never throw:
// they record an error and return zeros, and the caller checks `error` once per
// message (the convM2S/p9 buffer idea). Nothing here allocates more than the
// bytes it is given: byte fields are views, strings are decoded from views.

import type { Qid } from './qid.ts';

// ignoreBOM keeps a leading U+FEFF in the string, so decode then encode is exact.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class Cursor {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos: number;
  /** Reads stop here; narrowed while reading a nested record such as a stat. */
  end: number;
  /** The first thing that went wrong, or undefined. */
  error: string | undefined;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
    this.end = end;
    this.error = undefined;
  }

  /** Record a problem; only the first one is kept, and every later read yields zeros. */
  fail(reason: string): void {
    if (this.error === undefined) this.error = reason;
    this.pos = this.end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Claim n bytes; returns their offset, or -1 after recording an overrun. */
  private take(n: number): number {
    if (this.error !== undefined) return -1;
    if (n > this.end - this.pos) {
      this.fail(`message too short: needs ${n} more bytes at offset ${this.pos}, has ${this.end - this.pos}`);
      return -1;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.buf[at]!;
  }

  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : this.view.getUint16(at, true);
  }

  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.view.getUint32(at, true);
  }

  u64(): bigint {
    const at = this.take(8);
    return at < 0 ? 0n : this.view.getBigUint64(at, true);
  }

  /** n bytes as a view into the message (no copy). */
  bytes(n: number): Uint8Array {
    const at = this.take(n);
    return at < 0 ? this.buf.subarray(0, 0) : this.buf.subarray(at, at + n);
  }

  /** len[2] then UTF-8; invalid UTF-8 is an error, since it would not re-encode to the same bytes. */
  string(): string {
    const n = this.u16();
    const at = this.take(n);
    if (at < 0 || n === 0) return '';
    try {
      return utf8.decode(this.buf.subarray(at, at + n));
    } catch {
      this.fail(`string at offset ${at} is not UTF-8`);
      return '';
    }
  }

  qid(): Qid {
    const type = this.u8();
    const version = this.u32();
    const path = this.u64();
    return { type, version, path };
  }
}
