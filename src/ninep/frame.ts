// The framer cuts a byte stream into whole messages by their size[4] field.
// It holds at most one partial message, whose size it has already checked
// against msize, so a peer cannot make it buffer more than msize bytes. A size
// below the header size or above msize breaks the stream for good: there is no
// way to find the next message boundary, so every later push returns the same
// error.
//
// A partial message costs about what has arrived of it, not what its size
// field announces: its buffer starts at the first piece's length (at least 4
// KiB) and grows sixteenfold as bytes come, up to the announced size (4 KiB,
// 64 KiB, 1 MiB: a 1 MiB message is copied about 1.07 times over). So a peer
// that sends the header of a 1 MiB Twrite and then nothing holds 4 KiB, and
// one must send more than 1/16 of a message to make it held whole.
// A buffer outgrown, or dropped by clear(), is given back at once (detached
// with ArrayBuffer.transfer), not left for a garbage collection that a quiet
// process may not run for a long time.

import { GoblinError, fail } from '../error.ts';
import { HEADER_SIZE } from './consts.ts';

const FIRST = 4096, GROWTH = 16;

/** Frees a buffer the framer allocated and nobody else has seen. */
const release = (b: Uint8Array): void => { (b.buffer as ArrayBuffer).transfer?.(0); };

export class Framer {
  /** The largest message accepted; lower it once Tversion settles on an msize. */
  msize: number;
  private readonly head = new Uint8Array(4);
  private headLen = 0;
  /** The message being assembled (its announced size is `want`); it grows as bytes come. */
  private body: Uint8Array | undefined = undefined;
  private bodyLen = 0;
  private want = 0;
  private broken: GoblinError | undefined = undefined;

  constructor(msize: number) {
    this.msize = msize;
  }

  /** Bytes held for a message not yet complete. */
  get pending(): number {
    return this.body ? this.bodyLen : this.headLen;
  }

  /** Drops the partial message, if any, and its memory (the stream is over). */
  clear(): void {
    if (this.body) release(this.body);
    this.body = undefined;
    this.bodyLen = 0;
    this.headLen = 0;
  }

  /** Feed bytes from the stream; `deliver` gets each complete message in order.
   *  Messages that lie whole inside `chunk` are delivered as views of it (no
   *  copy), so a caller that reuses its read buffer must copy what it keeps.
   *  Returns the error that broke the stream, if any; messages before it in
   *  the chunk have been delivered. */
  push(chunk: Uint8Array, deliver: (msg: Uint8Array) => void): GoblinError | undefined {
    if (this.broken) return this.broken;
    let i = 0;
    while (i < chunk.length) {
      if (this.body === undefined) {
        let size: number;
        if (this.headLen === 0 && chunk.length - i >= 4) {
          size = (chunk[i]! | (chunk[i + 1]! << 8) | (chunk[i + 2]! << 16) | (chunk[i + 3]! << 24)) >>> 0;
          const err = this.check(size);
          if (err) return err;
          if (chunk.length - i >= size) {
            deliver(chunk.subarray(i, i + size));
            i += size;
            continue;
          }
        } else {
          while (this.headLen < 4 && i < chunk.length) this.head[this.headLen++] = chunk[i++]!;
          if (this.headLen < 4) return undefined;
          const h = this.head;
          size = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
          const err = this.check(size);
          if (err) return err;
        }
        // The message spans chunks: hold it, header included, in a buffer that grows.
        this.want = size;
        this.body = new Uint8Array(Math.min(size, Math.max(FIRST, this.headLen + chunk.length - i)));
        if (this.headLen === 4) {
          this.body.set(this.head);
          this.bodyLen = 4;
          this.headLen = 0;
        } else this.bodyLen = 0;
      }
      const take = Math.min(this.want - this.bodyLen, chunk.length - i);
      if (this.bodyLen + take > this.body.length) {
        const grown = new Uint8Array(Math.min(this.want, Math.max(this.bodyLen + take, this.body.length * GROWTH)));
        grown.set(this.body.subarray(0, this.bodyLen));
        release(this.body);
        this.body = grown;
      }
      const body = this.body;
      body.set(chunk.subarray(i, i + take), this.bodyLen);
      this.bodyLen += take;
      i += take;
      if (this.bodyLen === this.want) {
        this.body = undefined;
        this.bodyLen = 0;
        deliver(body);
      }
    }
    return undefined;
  }

  private check(size: number): GoblinError | undefined {
    if (size < HEADER_SIZE) this.broken = fail('EBADMSG', `9P: message size ${size} is below ${HEADER_SIZE}`);
    else if (size > this.msize) this.broken = fail('EMSGSIZE', `9P: message size ${size} exceeds msize ${this.msize}`);
    if (this.broken) this.clear();
    return this.broken;
  }
}
