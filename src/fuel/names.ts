// Renumbers the function indices in a `name` custom section (see the appendix on the
// name section in the core spec): subsection 1 maps functions to names, 2 and 3 map
// functions to local and label names. Other subsections name no functions.
import { GoblinError } from '../error.ts';
import { Reader, Writer } from '../wasm/bytes.ts';

function nameMap(r: Reader, w: Writer, renumber: ((f: number) => number) | null): void {
  const n = r.u32();
  w.u32(n);
  for (let i = 0; i < n; i++) {
    const idx = r.u32();
    w.u32(renumber ? renumber(idx) : idx).vec(r.vec());
  }
}

/** The payload after the section name, renumbered; null when it does not parse (drop it then). */
export function renumberNames(r: Reader, renumber: (f: number) => number): Uint8Array | null {
  const w = new Writer(r.end - r.pos + 16);
  try {
    while (!r.done) {
      const id = r.byte();
      const sub = r.sub(r.u32());
      const body = new Writer(sub.end - sub.pos + 16);
      if (id === 1) nameMap(sub, body, renumber);
      else if (id === 2 || id === 3) {
        const n = sub.u32();
        body.u32(n);
        for (let i = 0; i < n; i++) {
          body.u32(renumber(sub.u32()));
          nameMap(sub, body, null);
        }
      } else {
        body.bytes(sub.buf.subarray(sub.pos, sub.end));
        sub.pos = sub.end;
      }
      if (!sub.done) return null;
      w.byte(id).u32(body.length).bytes(body.view());
    }
  } catch (e) {
    if (e instanceof GoblinError) return null;
    throw e;
  }
  return w.take();
}
