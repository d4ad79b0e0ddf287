// Zeroed linear memories kept for reuse: making one costs more than running a small
// program. A memory comes back only from a VM that ended while nothing outside could
// still write into it (no read in flight), and only at its starting size; it is
// zeroed before anyone else gets it, so nothing passes from one VM to the next.
import type { MemoryShape } from '../wasm/memory.ts';

const KEEP = 16; // memories kept per shape
const MAX_POOLED = 16 << 20; // larger memories are cheaper to make anew than to zero

export class MemoryPool {
  private readonly free = new Map<string, WebAssembly.Memory[]>();

  take(shape: MemoryShape): WebAssembly.Memory {
    const m = this.free.get(key(shape))?.pop();
    return m ?? new WebAssembly.Memory(shape.maximum === undefined ? { initial: shape.initial } : { initial: shape.initial, maximum: shape.maximum });
  }

  give(shape: MemoryShape, m: WebAssembly.Memory): void {
    if (m.buffer.byteLength !== shape.initial * 65536 || m.buffer.byteLength > MAX_POOLED) return;
    const k = key(shape);
    let list = this.free.get(k);
    if (!list) this.free.set(k, list = []);
    if (list.length >= KEEP) return;
    new Uint8Array(m.buffer).fill(0);
    list.push(m);
  }
}

const key = (s: MemoryShape) => `${s.initial}/${s.maximum ?? ''}`;
