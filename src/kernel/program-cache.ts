// Programs by the bytes they came from: first by the identity of the byte array
// (free), then by content (a hash, confirmed byte for byte), so the same program
// read afresh from a file is compiled and metered only once.
import { Program, type ProgramOptions } from './program.ts';

const MAX_BY_CONTENT = 256;

export class ProgramCache {
  private readonly byArray = new WeakMap<Uint8Array, Map<string, Promise<Program>>>();
  private readonly byContent = new Map<string, { bytes: Uint8Array; program: Promise<Program> }>();

  get(bytes: Uint8Array, opts: ProgramOptions): Promise<Program> {
    const key = `${opts.maxMemory ?? ''}/${opts.metered ?? true}`;
    let mine = this.byArray.get(bytes);
    if (!mine) this.byArray.set(bytes, mine = new Map());
    let p = mine.get(key);
    if (p) return p;
    // a digest the caller knows (an appliance's index) names the content without reading it
    const ckey = `${opts.digest ?? fnv1a(bytes)}/${bytes.length}/${key}`;
    const known = this.byContent.get(ckey);
    if (known && (opts.digest !== undefined || same(known.bytes, bytes))) {
      this.byContent.delete(ckey); // most recently used goes last
      this.byContent.set(ckey, known);
      p = known.program;
    } else {
      p = Program.compile(bytes, opts);
      this.byContent.set(ckey, { bytes, program: p });
      p.catch(() => this.byContent.delete(ckey));
      if (this.byContent.size > MAX_BY_CONTENT) this.byContent.delete(this.byContent.keys().next().value!);
    }
    mine.set(key, p);
    return p;
  }
}

function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
