// The instruction walker: reads one expression (a function body or a constant
// expression) up to its closing `end` and records, as edits by byte offset, what the
// meter must change: function indices to renumber, fuel charges at loop headers, and
// the points where a function's cached fuel must be written back to (or reloaded
// from) the global. It also counts the instructions of each metering region.
import { malformed, type Reader } from '../wasm/bytes.ts';
import { ops, prefixed } from './opcodes.ts';

// Edit kinds.
/** Replace the function index at `at` (skip bytes long) by `arg`. */
export const FUNC = 0;
/** Insert a charge for region `arg` (a loop header). */
export const CHARGE = 1;
/** Insert a write-back of the cached fuel to the global; `arg` 1 when control never
 *  continues past the instruction without a reload (so a reload just before can go). */
export const SYNC_OUT = 2;
/** Insert a reload of the cached fuel from the global. */
export const SYNC_IN = 3;

/** What one walk found; reused from function to function. */
export class Walk {
  /** Quadruples (at, skip, kind, arg), in increasing `at` order. */
  edits: number[] = [];
  /** Instructions per region: [0] the body outside loops, then each loop (outside its inner loops) in order. */
  costs: number[] = [];
  /** The body has a try_table, whose catch clauses land at labels shared with normal control flow. */
  tryTable = false;
}

/** A value type; reference types may carry a heap type. */
export function valType(r: Reader): void {
  const b = r.byte();
  if (b === 0x63 || b === 0x64) r.s33(); // (ref null ht) (ref ht)
  else if (b & 0x80) throw malformed('bad value type', r.pos - 1);
}

function blockType(r: Reader): void {
  const t = r.s33(); // empty (0x40), a value type, or a type index
  if (t === 0x63 - 0x80 || t === 0x64 - 0x80) r.s33();
}

// Instructions around which a function's cached fuel is written back: calls (which
// reload it after) and everything that leaves the function.
const syncs = new Uint8Array(256);
for (const op of [0x08, 0x09, 0x0a, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15]) syncs[op] = 1;
const isCall = (op: number) => op === 0x10 || op === 0x11 || op === 0x14;

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

/**
 * Walks instructions from r.pos through the `end` that closes the expression.
 * `body`: a function body (record metering edits) rather than a constant expression.
 * Function indices at or above `funcImports` are renumbered up by one.
 */
export function walk(r: Reader, body: boolean, funcImports: number, w: Walk): void {
  const edits = w.edits, costs = w.costs;
  edits.length = 0;
  costs.length = 0;
  costs.push(0);
  w.tryTable = false;
  const opens: number[] = []; // per open block, the region that resumes at its end
  let region = 0;
  for (;;) {
    const at = r.pos;
    const op = r.byte();
    let imm: string | undefined;
    if (op >= 0xfb && op <= 0xfe) {
      const sub = r.u32();
      imm = prefixed[op]![sub];
      if (imm === undefined) throw malformed(`unknown instruction ${hex(op)} ${sub}`, at);
    } else {
      imm = ops[op];
      if (imm === undefined) throw malformed(`unknown instruction ${hex(op)}`, at);
    }
    costs[region]!++;
    if (body && syncs[op]) edits.push(at, 0, SYNC_OUT, 1);

    // Immediates; `exits` when a branch may target the function's own label.
    const depth = opens.length;
    let exits = false;
    for (let i = 0; i < imm.length; i++) {
      switch (imm.charCodeAt(i)) {
        case 0x75: r.u32(); break; // u
        case 0x66: { // f
          const s = r.pos, f = r.u32();
          if (f >= funcImports) edits.push(s, r.pos - s, FUNC, f + 1);
          break;
        }
        case 0x4c: if (r.u32() === depth) exits = true; break; // L
        case 0x74: { // t
          const n = r.u32();
          for (let k = 0; k <= n; k++) if (r.u32() === depth) exits = true;
          break;
        }
        case 0x69: r.leb(5); break; // i
        case 0x6c: r.leb(10); break; // l
        case 0x68: r.s33(); break; // h
        case 0x62: blockType(r); break; // b
        case 0x6d: { // m
          const flags = r.u32();
          if (flags & 0x40) r.u32();
          r.leb(10);
          break;
        }
        case 0x73: { // s
          const n = r.u32();
          for (let k = 0; k < n; k++) valType(r);
          break;
        }
        case 0x63: { // c
          const n = r.u32();
          for (let k = 0; k < n; k++) {
            const kind = r.byte();
            if (kind > 3) throw malformed('bad catch clause', r.pos - 1);
            if (kind < 2) r.u32(); // tag
            r.u32(); // label
          }
          break;
        }
        case 0x78: r.skip(1); break; // x
        case 0x34: r.skip(4); break; // 4
        case 0x38: r.skip(8); break; // 8
        case 0x76: r.skip(16); break; // v
      }
    }
    if (body && exits) edits.push(at, 0, SYNC_OUT, op === 0x0c || op === 0x0e ? 1 : 0);

    switch (op) {
      case 0x02: case 0x04: case 0x06: // block if try
        opens.push(region);
        break;
      case 0x1f: // try_table
        opens.push(region);
        w.tryTable = true;
        break;
      case 0x03: // loop: a new region, charged on every entry to the loop body
        opens.push(region);
        region = costs.length;
        costs.push(0);
        if (body) edits.push(r.pos, 0, CHARGE, region);
        break;
      case 0x0b: // end
        if (opens.length === 0) {
          if (body) edits.push(at, 0, SYNC_OUT, 1);
          return;
        }
        region = opens.pop()!;
        break;
      case 0x18: // delegate ends a try
        if (opens.length === 0) throw malformed('delegate outside a block', at);
        region = opens.pop()!;
        break;
      case 0x07: case 0x19: // catch catch_all: reached only by a throw, after which the global is current
        if (body) edits.push(r.pos, 0, SYNC_IN, 0);
        break;
      default:
        if (body && isCall(op)) edits.push(r.pos, 0, SYNC_IN, 0);
    }
  }
}
