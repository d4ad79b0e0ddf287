// The immediates of every instruction, one table row per opcode (range), so the
// instruction walker needs no per-opcode code. Covers the core spec as of wasm 3.0
// (MVP, sign extension, saturating truncation, bulk memory, reference types,
// multi-value, multi-memory, memory64, SIMD and relaxed SIMD, tail calls, typed
// function references, GC, exception handling old and new) and threads.
//
// Each immediate is one letter, read left to right:
//   u  u32 index or count        f  function index (renumbered by the meter)
//   L  branch label (u32)        t  br_table: vec(label) label
//   i  s32   l  s64   h  s33 heap type       b  block type
//   m  memarg: align flags (bit 6: memory index follows), [memidx], offset (u64)
//   s  vec(value type)           c  try_table catch clauses
//   x  1 raw byte   4  4 bytes   8  8 bytes   v  16 bytes

type Row = [first: number, last: number, immediates: string];

function table(rows: Row[]): (string | undefined)[] {
  const t: (string | undefined)[] = [];
  for (const [first, last, imm] of rows) for (let op = first; op <= last; op++) t[op] = imm;
  return t;
}

/** Single-byte opcodes. */
export const ops = table([
  [0x00, 0x01, ''], // unreachable nop
  [0x02, 0x04, 'b'], // block loop if
  [0x05, 0x05, ''], // else
  [0x06, 0x06, 'b'], // try (legacy exceptions)
  [0x07, 0x09, 'u'], // catch throw rethrow
  [0x0a, 0x0b, ''], // throw_ref end
  [0x0c, 0x0d, 'L'], // br br_if
  [0x0e, 0x0e, 't'], // br_table
  [0x0f, 0x0f, ''], // return
  [0x10, 0x10, 'f'], // call
  [0x11, 0x11, 'uu'], // call_indirect type table
  [0x12, 0x12, 'f'], // return_call
  [0x13, 0x13, 'uu'], // return_call_indirect
  [0x14, 0x15, 'u'], // call_ref return_call_ref
  [0x18, 0x18, 'u'], // delegate
  [0x19, 0x1b, ''], // catch_all drop select
  [0x1c, 0x1c, 's'], // select t*
  [0x1f, 0x1f, 'bc'], // try_table
  [0x20, 0x26, 'u'], // local.get/set/tee global.get/set table.get/set
  [0x28, 0x3e, 'm'], // loads and stores
  [0x3f, 0x40, 'u'], // memory.size memory.grow
  [0x41, 0x41, 'i'], // i32.const
  [0x42, 0x42, 'l'], // i64.const
  [0x43, 0x43, '4'], // f32.const
  [0x44, 0x44, '8'], // f64.const
  [0x45, 0xc4, ''], // numeric
  [0xd0, 0xd0, 'h'], // ref.null
  [0xd1, 0xd1, ''], // ref.is_null
  [0xd2, 0xd2, 'f'], // ref.func
  [0xd3, 0xd4, ''], // ref.eq ref.as_non_null
  [0xd5, 0xd6, 'L'], // br_on_null br_on_non_null
]);

/** Opcodes behind a prefix byte, indexed by the u32 that follows it. */
export const prefixed: Record<number, (string | undefined)[]> = {
  0xfb: table([ // GC
    [0, 1, 'u'], // struct.new struct.new_default
    [2, 5, 'uu'], // struct.get get_s get_u set
    [6, 7, 'u'], // array.new array.new_default
    [8, 10, 'uu'], // array.new_fixed new_data new_elem
    [11, 14, 'u'], // array.get get_s get_u set
    [15, 15, ''], // array.len
    [16, 16, 'u'], // array.fill
    [17, 19, 'uu'], // array.copy init_data init_elem
    [20, 23, 'h'], // ref.test ref.cast (null)
    [24, 25, 'xLhh'], // br_on_cast br_on_cast_fail
    [26, 30, ''], // any.convert_extern extern.convert_any ref.i31 i31.get_s/u
  ]),
  0xfc: table([
    [0, 7, ''], // trunc_sat
    [8, 8, 'uu'], // memory.init data mem
    [9, 9, 'u'], // data.drop
    [10, 10, 'uu'], // memory.copy
    [11, 11, 'u'], // memory.fill
    [12, 12, 'uu'], // table.init elem table
    [13, 13, 'u'], // elem.drop
    [14, 14, 'uu'], // table.copy
    [15, 17, 'u'], // table.grow size fill
  ]),
  0xfd: table([ // SIMD; the few unassigned numbers are left to the validator
    [0, 11, 'm'], // v128 loads, v128.store
    [12, 13, 'v'], // v128.const i8x16.shuffle
    [14, 20, ''], // swizzle splats
    [21, 34, 'x'], // extract_lane replace_lane
    [35, 83, ''],
    [84, 91, 'mx'], // load/store lane
    [92, 93, 'm'], // load32_zero load64_zero
    [94, 275, ''], // the rest, relaxed SIMD included
  ]),
  0xfe: table([ // threads
    [0, 2, 'm'], // memory.atomic.notify wait32 wait64
    [3, 3, 'x'], // atomic.fence
    [0x10, 0x4e, 'm'], // atomic loads, stores, read-modify-write
  ]),
};
