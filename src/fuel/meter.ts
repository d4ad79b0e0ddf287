// Fuel metering: rewrites a wasm module so that it counts the instructions it runs
// and calls the host when it has used up what it was given.
//
// The metered module has one more function import, FUEL_IMPORT, a `() -> ()` that the
// host provides, and one more global, a mutable i64 exported as FUEL_EXPORT (initial
// 0), holding the fuel left. Every function entry and every loop header charges, up
// front, the static cost of its region: the number of instructions in the function
// body outside nested loops, or in the loop body outside nested loops (block markers
// such as `end` count; the injected code does not). When the fuel left drops below
// zero the code calls the import, whose job is to account and then either throw or
// refill the global and return (it may suspend through JSPI first). So an endless
// loop always reaches the host, and the same program with the same input always uses
// the same fuel, whatever the refills.
//
// The charge is cheap. A function with loops keeps its fuel in a local of its own,
// so a loop header costs a subtract and a compare on a register; the local goes back
// to the global before every call and before anything that leaves the function
// (return, branches to the function's label, throws, tail calls, the final end), and
// comes back from it after calls and at legacy catch handlers. A loop-free function
// charges the global once at entry and never syncs. So does a function with a
// try_table, whose handlers land at labels shared with normal flow. The call to the
// import sits in an `if` hinted unlikely (a metadata.code.branch_hint section), so
// engines keep it out of the hot path; without the hint V8 spills around it.
//
// The import comes after the module's own function imports, so every defined
// function's index moves up by one: calls, ref.func, exports, start, element
// segments, table and global initialisers and the `name` section are renumbered.
// The global comes last in the global index space, so no global index changes.
//
// A start function runs inside instantiation, before the host can reach the export:
// a fuel_out called then should return without refilling (the debt stays in the
// global, to be read once instantiation returns) or throw after enough calls.
//
// BUGS: DWARF and source-map custom sections keep stale code offsets; the module's
// own code metadata sections (metadata.code.*) are dropped. A trap loses the fuel the
// trapping function charged since its last call. A module can catch the exception
// fuel_out throws (catch_all catches JS exceptions), but every later charge calls
// fuel_out again, so the host should keep throwing once a VM is out of fuel.
// A loop is charged its whole body on every iteration, whatever path runs: an
// interpreter's dispatch loop is charged every opcode's code for each one it runs
// (Lua 5.4's luaV_execute: 9,062 instructions, two orders of magnitude more than one
// bytecode executes), so fuel limits for interpreted guests need to be set that high.
import { GoblinError } from '../error.ts';
import { malformed, Reader, Writer } from '../wasm/bytes.ts';
import { CHARGE, FUNC, SYNC_IN, SYNC_OUT, valType, walk, Walk } from './walk.ts';
import { renumberNames } from './names.ts';

export const FUEL_IMPORT = { module: 'goblin', name: 'fuel_out' } as const;
export const FUEL_EXPORT = 'goblin_fuel';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
const importModule = utf8.encode(FUEL_IMPORT.module);
const importName = utf8.encode(FUEL_IMPORT.name);
const exportName = utf8.encode(FUEL_EXPORT);

// Section ids, and the order the spec requires of the non-custom ones.
const TYPE = 1, IMPORT = 2, FUNCTION = 3, TABLE = 4, GLOBAL = 6, EXPORT = 7, START = 8, ELEMENT = 9, CODE = 10;
const order = [TYPE, IMPORT, FUNCTION, TABLE, 5, 13, GLOBAL, EXPORT, START, ELEMENT, 12, CODE, 11];

// Instruction bytes of the injected code.
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, GLOBAL_GET = 0x23, GLOBAL_SET = 0x24;
const CALL = 0x10, IF = 0x04, VOID = 0x40, END = 0x0b, I64 = 0x7e, I64_CONST = 0x42, I64_SUB = 0x7d, I64_LT_S = 0x53;

/** Adds fuel metering to a wasm module; throws GoblinError(ENOEXEC) when it is malformed. */
export function meter(wasm: Uint8Array): Uint8Array<ArrayBuffer> {
  if (!(wasm instanceof Uint8Array)) throw new GoblinError('ENOEXEC', 'malformed wasm module: not bytes');
  try {
    return new Metering(wasm).run();
  } catch (e) {
    if (e instanceof GoblinError) throw e;
    throw new GoblinError('ENOEXEC', `malformed wasm module: ${e instanceof Error ? e.message : String(e)}`);
  }
}

interface Section { id: number; start: number; end: number; out: Uint8Array | null }

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function limits(r: Reader): void {
  const at = r.pos, flags = r.byte();
  if (flags > 0x0f) throw malformed('bad limits', at); // max, shared, 64-bit, page size
  r.leb(10);
  if (flags & 1) r.leb(10);
  if (flags & 8) r.u32();
}

class Metering {
  readonly wasm: Uint8Array;
  funcImports = 0;
  globalImports = 0;
  definedGlobals = 0;
  /** Parameter count of each type, -1 for a non-function type. */
  params: number[] = [];
  /** Type index of each defined function. */
  funcTypes: number[] = [];
  fuelType = 0;
  readonly walk = new Walk();
  readonly body = new Writer(4096);
  /** Offsets in this.body of the injected `if`s, hinted as unlikely so that engines lay out the call out of line. */
  readonly ifs: number[] = [];
  /** Entries of the branch-hint section, one per function. */
  readonly hints = new Writer(1024);
  hinted = 0;

  constructor(wasm: Uint8Array) {
    this.wasm = wasm;
  }

  get fuelFunc(): number { return this.funcImports; }
  get fuelGlobal(): number { return this.globalImports + this.definedGlobals; }
  readonly renumber = (f: number): number => (f < this.funcImports ? f : f + 1);

  run(): Uint8Array<ArrayBuffer> {
    const wasm = this.wasm;
    if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d)
      throw new GoblinError('ENOEXEC', 'not a wasm module: bad magic number');
    if (wasm[4] !== 1 || wasm[5] !== 0 || wasm[6] !== 0 || wasm[7] !== 0)
      throw new GoblinError('ENOEXEC', 'not a core wasm module: unsupported version or layer (a component?)');

    const r = new Reader(wasm, 8);
    const sections: Section[] = [];
    let rank = 0;
    while (!r.done) {
      const at = r.pos, id = r.byte(), size = r.u32();
      if (id !== 0) {
        const k = order.indexOf(id) + 1;
        if (k === 0) throw malformed(`unknown section id ${id}`, at);
        if (k <= rank) throw malformed(`section ${id} duplicated or out of order`, at);
        rank = k;
      }
      const start = r.pos;
      r.skip(size);
      sections.push({ id, start, end: r.pos, out: null });
    }

    // Known sections first, in order (each needs only what came before it), then custom ones.
    for (const s of sections) if (s.id !== 0) s.out = this.section(s.id, new Reader(wasm, s.start, s.end));
    for (const s of sections) if (s.id === 0) s.out = this.custom(new Reader(wasm, s.start, s.end));

    // Sections this module lacks but the metered one needs.
    const added: Section[] = [];
    const has = (id: number) => sections.some(s => s.id === id);
    const one = (build: (w: Writer) => void) => { const w = new Writer(32).u32(1); build(w); return w.take(); };
    if (!has(TYPE)) added.push({ id: TYPE, start: 0, end: 0, out: one(w => this.fuelTypeEntry(w)) });
    if (!has(IMPORT)) added.push({ id: IMPORT, start: 0, end: 0, out: one(w => this.fuelImportEntry(w)) });
    if (!has(GLOBAL)) added.push({ id: GLOBAL, start: 0, end: 0, out: one(w => this.fuelGlobalEntry(w)) });
    if (!has(EXPORT)) added.push({ id: EXPORT, start: 0, end: 0, out: one(w => this.fuelExportEntry(w)) });

    const w = new Writer(wasm.length + wasm.length / 4 + 64);
    w.bytes(wasm.subarray(0, 8));
    const emit = (s: Section) => { w.byte(s.id).u32(s.out!.length).bytes(s.out!); };
    for (const s of sections) {
      if (s.id !== 0) {
        const k = order.indexOf(s.id);
        while (added.length && order.indexOf(added[0]!.id) < k) emit(added.shift()!);
      }
      if (s.id === CODE && this.hinted) {
        const hints = new Writer(this.hints.length + 32).vec(utf8.encode('metadata.code.branch_hint')).u32(this.hinted).bytes(this.hints.view());
        emit({ id: 0, start: 0, end: 0, out: hints.view() });
      }
      if (s.out) emit(s);
    }
    for (const s of added) emit(s);
    return w.take();
  }

  fuelTypeEntry(w: Writer): void { w.byte(0x60).u32(0).u32(0); }
  fuelImportEntry(w: Writer): void { w.vec(importModule).vec(importName).byte(0).u32(this.fuelType); }
  fuelGlobalEntry(w: Writer): void { w.byte(I64).byte(1).byte(I64_CONST).byte(0).byte(END); }
  fuelExportEntry(w: Writer): void { w.vec(exportName).byte(3).u32(this.fuelGlobal); }

  /** The new payload of a known section. */
  section(id: number, r: Reader): Uint8Array {
    const start = r.pos;
    if (id === FUNCTION) {
      const n = r.u32();
      for (let i = 0; i < n; i++) this.funcTypes.push(r.u32());
      if (!r.done) throw malformed('function section has trailing bytes', r.pos);
    }
    if (id === FUNCTION || id === 5 || id === 11 || id === 12 || id === 13) return r.buf.subarray(start, r.end); // memory, data, data count, tag
    const w = new Writer(r.end - r.pos + 64);
    switch (id) {
      case TYPE: this.types(r, w); break;
      case IMPORT: this.imports(r, w); break;
      case TABLE: this.tables(r, w); break;
      case GLOBAL: this.globals(r, w); break;
      case EXPORT: this.exports(r, w); break;
      case START: w.u32(this.renumber(r.u32())); break;
      case ELEMENT: this.elements(r, w); break;
      case CODE: this.code(r, w); break;
    }
    if (!r.done) throw malformed(`section ${id} has trailing bytes`, r.pos);
    return w.take();
  }

  types(r: Reader, w: Writer): void {
    const n = r.u32(), from = r.pos;
    for (let i = 0; i < n; i++) {
      const b = r.byte();
      if (b === 0x4e) { // rec group
        const m = r.u32();
        for (let j = 0; j < m; j++) this.subType(r, r.byte());
      } else this.subType(r, b);
    }
    this.fuelType = this.params.length;
    w.u32(n + 1).bytes(r.buf.subarray(from, r.pos));
    this.fuelTypeEntry(w);
  }

  subType(r: Reader, b: number): void {
    if (b === 0x50 || b === 0x4f) { // sub, sub final
      const n = r.u32();
      for (let i = 0; i < n; i++) r.u32();
      b = r.byte();
    }
    if (b === 0x60) { // func
      const p = r.u32();
      for (let i = 0; i < p; i++) valType(r);
      const q = r.u32();
      for (let i = 0; i < q; i++) valType(r);
      this.params.push(p);
    } else if (b === 0x5f) { // struct
      const n = r.u32();
      for (let i = 0; i < n; i++) valType(r), r.byte();
      this.params.push(-1);
    } else if (b === 0x5e) { // array
      valType(r), r.byte();
      this.params.push(-1);
    } else throw malformed('bad type definition', r.pos - 1);
  }

  imports(r: Reader, w: Writer): void {
    const n = r.u32(), from = r.pos;
    for (let i = 0; i < n; i++) {
      r.vec();
      r.vec();
      const at = r.pos;
      switch (r.byte()) {
        case 0: r.u32(); this.funcImports++; break;
        case 1: valType(r); limits(r); break;
        case 2: limits(r); break;
        case 3: valType(r); r.byte(); this.globalImports++; break;
        case 4: r.byte(); r.u32(); break;
        default: throw malformed('bad import kind', at);
      }
    }
    w.u32(n + 1).bytes(r.buf.subarray(from, r.pos));
    this.fuelImportEntry(w);
  }

  /** Copies a constant expression, renumbering function indices. */
  expr(r: Reader, w: Writer): void {
    const start = r.pos;
    walk(r, false, this.funcImports, this.walk);
    this.apply(r.buf, start, r.pos, w, -1, false);
  }

  tables(r: Reader, w: Writer): void {
    const n = r.u32();
    w.u32(n);
    for (let i = 0; i < n; i++) {
      const from = r.pos;
      const init = r.buf[r.pos] === 0x40; // 0x40 0x00 tabletype expr: a table with an initialiser
      if (init) {
        r.skip(1);
        if (r.byte() !== 0) throw malformed('bad table', from);
      }
      valType(r);
      limits(r);
      w.bytes(r.buf.subarray(from, r.pos));
      if (init) this.expr(r, w);
    }
  }

  globals(r: Reader, w: Writer): void {
    const n = r.u32();
    this.definedGlobals = n;
    w.u32(n + 1);
    for (let i = 0; i < n; i++) {
      const from = r.pos;
      valType(r);
      r.byte();
      w.bytes(r.buf.subarray(from, r.pos));
      this.expr(r, w);
    }
    this.fuelGlobalEntry(w);
  }

  exports(r: Reader, w: Writer): void {
    const n = r.u32();
    w.u32(n + 1);
    for (let i = 0; i < n; i++) {
      const name = r.vec(), kind = r.byte(), idx = r.u32();
      if (sameBytes(name, exportName)) throw new GoblinError('ENOEXEC', `wasm module already exports ${FUEL_EXPORT} (metered twice?)`);
      w.vec(name).byte(kind).u32(kind === 0 ? this.renumber(idx) : idx);
    }
    this.fuelExportEntry(w);
  }

  elements(r: Reader, w: Writer): void {
    const n = r.u32();
    w.u32(n);
    for (let i = 0; i < n; i++) {
      const at = r.pos, flags = r.u32();
      if (flags > 7) throw malformed('bad element segment', at);
      w.u32(flags);
      if ((flags & 3) === 2) w.u32(r.u32()); // table index
      if ((flags & 1) === 0) this.expr(r, w); // offset of an active segment
      if (flags & 3) { // element kind (0: funcref) or reference type
        const from = r.pos;
        if (flags & 4) valType(r);
        else r.byte();
        w.bytes(r.buf.subarray(from, r.pos));
      }
      const m = r.u32();
      w.u32(m);
      for (let j = 0; j < m; j++) {
        if (flags & 4) this.expr(r, w);
        else w.u32(this.renumber(r.u32()));
      }
    }
  }

  code(r: Reader, w: Writer): void {
    const n = r.u32();
    if (n !== this.funcTypes.length) throw malformed('function and code sections differ in length', r.pos);
    w.u32(n);
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const body = r.sub(r.u32());
      const params = this.params[this.funcTypes[i]!];
      if (params === undefined || params < 0) throw malformed(`function ${i} has no function type`, at);
      this.function(body, params);
      w.u32(this.body.length).bytes(this.body.view());
      this.hints.u32(this.funcImports + 1 + i).u32(this.ifs.length);
      for (const at of this.ifs) this.hints.u32(at).u32(1).byte(0);
      this.hinted++;
    }
  }

  /** Meters one function body into this.body. */
  function(r: Reader, params: number): void {
    const groups = r.u32(), from = r.pos;
    let locals = params;
    for (let i = 0; i < groups; i++) {
      locals += r.u32();
      valType(r);
    }
    if (locals >= 0xffffffff) throw malformed('too many locals', from);
    const code = r.pos;
    walk(r, true, this.funcImports, this.walk);
    if (!r.done) throw malformed('function body continues after its end', r.pos);

    const w = this.body;
    w.reset();
    this.ifs.length = 0;
    w.u32(groups + 1).bytes(r.buf.subarray(from, code)).u32(1).byte(I64); // the fuel local
    const cached = !this.walk.tryTable && this.walk.costs.length > 1; // has loops, no try_table
    this.charge(w, this.walk.costs[0]!, locals, cached, true);
    this.apply(r.buf, code, r.end, w, locals, cached);
  }

  /**
   * Copies buf[start, end) with the walk's edits applied. `fuel` is the function's
   * fuel local; `cached` whether the function keeps fuel in it between syncs.
   */
  apply(buf: Uint8Array, start: number, end: number, w: Writer, fuel: number, cached: boolean): void {
    const edits = this.walk.edits;
    let prev = start;
    for (let k = 0; k < edits.length; k += 4) {
      const at = edits[k]!, kind = edits[k + 2]!, arg = edits[k + 3]!;
      w.bytes(buf.subarray(prev, at));
      prev = at + edits[k + 1]!;
      switch (kind) {
        case FUNC: w.u32(arg); break;
        case CHARGE: this.charge(w, this.walk.costs[arg]!, fuel, cached, false); break;
        case SYNC_OUT: if (cached) this.syncOut(w, fuel); break;
        case SYNC_IN:
          if (!cached) break;
          // A reload right before a write-back that control never passes: neither is needed.
          if (edits[k + 4] === at && edits[k + 6] === SYNC_OUT && edits[k + 7] === 1) k += 4;
          else this.syncIn(w, fuel);
          break;
      }
    }
    w.bytes(buf.subarray(prev, end));
  }

  syncOut(w: Writer, fuel: number): void { w.byte(LOCAL_GET).u32(fuel).byte(GLOBAL_SET).u32(this.fuelGlobal); }
  syncIn(w: Writer, fuel: number): void { w.byte(GLOBAL_GET).u32(this.fuelGlobal).byte(LOCAL_SET).u32(fuel); }

  /**
   * fuel -= cost; if (fuel < 0) fuel_out(). With `cached` the fuel lives in the local
   * (loaded from the global at function entry) and is written back around the call;
   * otherwise the global is updated on every charge.
   */
  charge(w: Writer, cost: number, fuel: number, cached: boolean, entry: boolean): void {
    if (cached) {
      if (entry) w.byte(GLOBAL_GET).u32(this.fuelGlobal);
      else w.byte(LOCAL_GET).u32(fuel);
      w.byte(I64_CONST).sleb(cost).byte(I64_SUB).byte(LOCAL_TEE).u32(fuel);
      w.byte(I64_CONST).byte(0).byte(I64_LT_S);
      this.ifs.push(w.length);
      w.byte(IF).byte(VOID);
      this.syncOut(w, fuel);
      w.byte(CALL).u32(this.fuelFunc);
      this.syncIn(w, fuel);
      w.byte(END);
    } else {
      w.byte(GLOBAL_GET).u32(this.fuelGlobal).byte(I64_CONST).sleb(cost).byte(I64_SUB).byte(LOCAL_TEE).u32(fuel);
      w.byte(GLOBAL_SET).u32(this.fuelGlobal).byte(LOCAL_GET).u32(fuel);
      w.byte(I64_CONST).byte(0).byte(I64_LT_S);
      this.ifs.push(w.length);
      w.byte(IF).byte(VOID).byte(CALL).u32(this.fuelFunc).byte(END);
    }
  }

  /** A custom section: kept, renumbered (`name`) or dropped (null). */
  custom(r: Reader): Uint8Array | null {
    const from = r.pos;
    const name = r.vec();
    const text = utf8Decoder.decode(name);
    if (text.startsWith('metadata.code.')) return null;
    if (text !== 'name') return r.buf.subarray(from, r.end);
    const names = renumberNames(r, this.renumber);
    return names && new Writer(names.length + 8).vec(name).bytes(names).take();
  }
}
