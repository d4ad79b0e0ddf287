// Guest memory as the kernel and the WASI layer read and write it. Views are remade only when
// the memory has grown (its buffer changed). Every access is bounds-checked:
// a bad pointer is EFAULT, never a read of someone else's bytes.
import { fail } from '../error.ts';

const enc = new TextEncoder();

export class Guest {
  private memory: WebAssembly.Memory | null = null;
  private u8 = new Uint8Array(0);
  private dv = new DataView(this.u8.buffer);

  attach(memory: WebAssembly.Memory): void { this.memory = memory; this.refresh(); }

  private refresh(): void {
    const buf = this.memory!.buffer;
    if (buf !== this.u8.buffer) { this.u8 = new Uint8Array(buf); this.dv = new DataView(buf); }
  }

  /** A live view of guest bytes [ptr, ptr+len). */
  bytes(ptr: number, len: number): Uint8Array {
    this.refresh();
    ptr >>>= 0; len >>>= 0;
    if (ptr + len > this.u8.length) throw fail('EFAULT');
    return this.u8.subarray(ptr, ptr + len);
  }

  /** The DataView over memory, after checking [ptr, ptr+len) is inside it. */
  view(ptr: number, len: number): DataView {
    this.refresh();
    if ((ptr >>> 0) + len > this.u8.length) throw fail('EFAULT');
    return this.dv;
  }

  u32(ptr: number, v: number): void { this.view(ptr, 4).setUint32(ptr >>> 0, v, true); }
  u64(ptr: number, v: bigint): void { this.view(ptr, 8).setBigUint64(ptr >>> 0, v, true); }

  iov(iovs: number, i: number): { ptr: number; len: number } {
    const at = (iovs >>> 0) + i * 8;
    const v = this.view(at, 8);
    return { ptr: v.getUint32(at, true), len: v.getUint32(at + 4, true) };
  }

  /** args_get/environ_get: NUL-terminated strings and the pointer array to them. */
  strings(list: readonly string[], ptrs: number, buf: number): void {
    let at = buf >>> 0;
    list.forEach((s, i) => {
      const b = enc.encode(s);
      this.u32(ptrs + i * 4, at);
      const dst = this.bytes(at, b.length + 1);
      dst.set(b);
      dst[b.length] = 0;
      at += b.length + 1;
    });
  }
}
