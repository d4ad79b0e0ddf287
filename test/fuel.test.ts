// Fuel metering (src/fuel): metered guests behave as before, use the same fuel every
// run, reach the host's fuel_out from any endless loop, keep every function index
// right after the new import, and malformed input gets a GoblinError, never a crash.
// node:wasi is only a plain runner here; the host side of fuel_out is a JS function.
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readFileSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WASI } from 'node:wasi';
import { GoblinError } from '../src/error.ts';
import { FUEL_EXPORT, FUEL_IMPORT, meter } from '../src/fuel/meter.ts';
import { MEMORY_IMPORT, rewriteMemory } from '../src/wasm/memory.ts';
import { cc } from './lib/cc.ts';

// ---- a tiny module assembler, for modules clang cannot make -------------------------

type Bytes = number[];
const u32 = (n: number): Bytes => { const b: Bytes = []; do { const low = n % 128; n = Math.floor(n / 128); b.push(n ? low | 0x80 : low); } while (n); return b; };
const str = (s: string): Bytes => { const b = [...new TextEncoder().encode(s)]; return [...u32(b.length), ...b]; };
const vec = (items: Bytes[]): Bytes => [...u32(items.length), ...items.flat()];
const section = (id: number, body: Bytes): Bytes => [id, ...u32(body.length), ...body];
const func = (locals: Bytes[], code: Bytes): Bytes => { const b = [...vec(locals), ...code]; return [...u32(b.length), ...b]; };
const wasmModule = (...sections: Bytes[]): Uint8Array<ArrayBuffer> => new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...sections.flat()]);
const I32 = 0x7f, FUNCREF = 0x70, VOID = 0x40, END = 0x0b;
const op = {
  unreachable: 0x00, block: 0x02, loop: 0x03, try: 0x06, catch: 0x07, throw: 0x08, rethrow: 0x09, delegate: 0x18, br: 0x0c, br_if: 0x0d, return: 0x0f, call: 0x10,
  call_indirect: 0x11, return_call: 0x12, catch_all: 0x19, try_table: 0x1f, drop: 0x1a, local_get: 0x20, local_tee: 0x22,
  local_set: 0x21, global_get: 0x23, table_set: 0x26, i32_const: 0x41, i64_const: 0x42, i32_sub: 0x6b, i32_add: 0x6a, ref_func: 0xd2,
};
const functype = (params: number[], results: number[]): Bytes => [0x60, ...vec(params.map(p => [p])), ...vec(results.map(r => [r]))];

// ---- running ---------------------------------------------------------------------------

interface Fuel { used: bigint; outs: number; global: WebAssembly.Global }

/** The fuel_out import and the accounting behind it: refill by `refill` up to `limit` times, then throw. */
function fuelHost(refill = 1n << 40n, limit = Infinity) {
  const fuel: Fuel = { used: 0n, outs: 0, global: undefined as unknown as WebAssembly.Global };
  let refilled = 0n;
  const fuelOut = () => {
    fuel.outs++;
    if (fuel.outs > limit) throw new Error('fuel exhausted');
    // A start function runs inside instantiation, before the host can see the export:
    // let the debt build up in the global and account for it afterwards.
    if (!fuel.global) return;
    refilled += refill;
    fuel.global.value = (fuel.global.value as bigint) + refill;
  };
  const bind = (instance: WebAssembly.Instance) => { fuel.global = instance.exports[FUEL_EXPORT] as WebAssembly.Global; };
  const used = () => (fuel.used = refilled - (fuel.global.value as bigint));
  return { fuel, fuelOut, bind, used, imports: { [FUEL_IMPORT.module]: { [FUEL_IMPORT.name]: fuelOut } } };
}

interface WasiRun { code: number; stdout: string; fuel: Fuel | null; instance: WebAssembly.Instance }

/** Runs a WASI command; metered when `host` is given. */
function runWasi(wasm: Uint8Array<ArrayBuffer>, args: string[] = [], host?: ReturnType<typeof fuelHost>): WasiRun {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-fuel-'));
  const out = openSync(join(dir, 'stdout'), 'w+');
  try {
    const wasi = new WASI({ version: 'preview1', args: ['prog', ...args], returnOnExit: true, stdout: out });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), { ...(wasi.getImportObject() as WebAssembly.Imports), ...host?.imports });
    host?.bind(instance);
    const code = wasi.start(instance);
    if (host) host.used();
    return { code, stdout: readFileSync(join(dir, 'stdout'), 'utf8'), fuel: host?.fuel ?? null, instance };
  } finally {
    closeSync(out);
    rmSync(dir, { recursive: true, force: true });
  }
}

const wasmOf = (name: string, flags: string[] = []) => new Uint8Array(readFileSync(cc(name, flags)));

function assertEnoexec(f: () => unknown, message?: RegExp, what = ''): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof GoblinError, `${what}: expected a GoblinError, got ${String(e)}`);
    assert.equal(e.errno, 'ENOEXEC', what);
    if (message) assert.match(e.message, message, what);
    return true;
  }, what);
}

// ---- hand-made modules with known costs --------------------------------------------------
// Cost of a region = its instructions (block markers included), so each expected total
// below is written as region costs times how often the region runs.

const T_VOID = 0, T_I32 = 1, T_GET = 2, T_I32_I32 = 3;
const types = section(1, vec([functype([], []), functype([I32], []), functype([], [I32]), functype([I32, I32], [])]));
const countdown: Bytes = [op.local_get, 0, op.i32_const, 1, op.i32_sub, op.local_tee, 0, op.br_if, 0]; // 5 instructions

/** Exports count(n), seven(), calls(n), early(n), leave(n), guarded(n); see the costs in the tests. */
function costModule(): Uint8Array<ArrayBuffer> {
  const bodies = [
    func([], [op.loop, VOID, ...countdown, END, END]), // 0 count
    func([], [op.i32_const, 7, END]), // 1 seven
    func([], [op.loop, VOID, op.call, 1, op.drop, ...countdown, END, END]), // 2 calls
    func([], [op.loop, VOID, op.local_get, 0, op.i32_const, 1, op.i32_sub, op.local_tee, 0, 0x45, op.br_if, 1, op.br, 0, END, END]), // 3 early
    func([], [op.loop, VOID, op.local_get, 0, 0x45, 0x04, VOID, op.return, END, op.local_get, 0, op.i32_const, 1, op.i32_sub, 0x21, 0, op.br, 0, END, END]), // 4 leave
    func([], [op.block, VOID, op.try_table, VOID, 1, 2, 0, op.loop, VOID, op.call, 1, op.drop, ...countdown, END, END, END, END]), // 5 guarded
  ];
  const names = ['count', 'seven', 'calls', 'early', 'leave', 'guarded'];
  return wasmModule(
    types,
    section(3, vec([[T_I32], [T_GET], [T_I32], [T_I32], [T_I32], [T_I32]])),
    section(7, vec(names.map((n, i) => [...str(n), 0, ...u32(i)]))),
    section(10, vec(bodies)),
  );
}

/** burn(n) counts down then throws; catcher(k, n) and catcher2(k, n) call it k times and catch (legacy try / try_table). */
function throwModule(legacy: boolean): Uint8Array<ArrayBuffer> {
  const burn = func([], [op.loop, VOID, ...countdown, END, op.throw, 0, END]);
  const guardedCall: Bytes = legacy
    ? [op.try, VOID, op.local_get, 1, op.call, 0, op.catch_all, END]
    : [op.block, VOID, op.try_table, VOID, 1, 2, 0, op.local_get, 1, op.call, 0, END, END];
  const catcher = func([], [op.loop, VOID, ...guardedCall, ...countdown, END, END]);
  return wasmModule(
    types,
    section(3, vec([[T_I32], [T_I32_I32]])),
    section(13, vec([[0, T_VOID]])),
    section(7, vec([[...str('catcher'), 0, 1]])),
    section(10, vec([burn, catcher])),
  );
}

function instantiate(wasm: Uint8Array<ArrayBuffer>, host = fuelHost(), imports: WebAssembly.Imports = {}) {
  // fuel_out joins the module's other imports from "goblin" (such as the memory)
  const goblin = { ...imports[FUEL_IMPORT.module], ...host.imports[FUEL_IMPORT.module] };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(meter(wasm)), { ...imports, [FUEL_IMPORT.module]: goblin });
  host.bind(instance);
  const exports = instance.exports as Record<string, (...args: number[]) => number>;
  /** Fuel used by one call. */
  const cost = (name: string, ...args: number[]): bigint => {
    const before = host.used();
    exports[name]!(...args);
    return host.used() - before;
  };
  return { instance, exports, host, cost };
}

test('fuel_counts_regions_exactly', () => {
  const { cost } = instantiate(costModule());
  // count: function (loop, end) 2 + loop body 6 per iteration
  assert.equal(cost('count', 1), 8n);
  assert.equal(cost('count', 1000), 2n + 6000n);
  // seven: i32.const, end
  assert.equal(cost('seven'), 2n);
  // calls: 2 + n * (loop body 8 + seven 2); the fuel cached in a local survives the calls
  assert.equal(cost('calls', 500), 2n + 500n * 10n);
  // early leaves through br_if to the function's label: 2 + 8 per iteration
  assert.equal(cost('early', 300), 2n + 300n * 8n);
  // leave returns from inside the loop, which runs n + 1 times: 2 + 11 (n + 1)
  assert.equal(cost('leave', 40), 2n + 41n * 11n);
  // guarded has a try_table and so charges the global directly: 6 + n * (8 + 2)
  assert.equal(cost('guarded', 70), 6n + 70n * 10n);
});

test('fuel_charged_before_a_throw_is_kept_by_the_catcher', () => {
  for (const legacy of [false, true]) {
    const wasm = throwModule(legacy);
    if (!WebAssembly.validate(wasm)) continue; // an engine without this exception-handling flavour
    const { cost } = instantiate(wasm);
    // burn(n): 3 + 6n; the catcher's loop body is 11 (try ... catch_all end) or 12 (block try_table ... end end)
    const body = legacy ? 11n : 12n;
    assert.equal(cost('catcher', 20, 50), 2n + 20n * (body + 3n + 6n * 50n), legacy ? 'legacy try' : 'try_table');
  }
});

/**
 * The shape clang's setjmp/longjmp lowering (-wasm-enable-sjlj) gives a module: its
 * own memory and a tag section with an i32 tag, thrown with a payload and caught by
 * `catch 0` inside a loop (so the fuel is cached in a local), plus delegate and
 * rethrow. throwsX(x) throws x; sum(k, x) catches k throws and adds their payloads;
 * relay(a, b) catches b through a delegate, then rethrows a from a catch_all.
 */
function sjljModule(): Uint8Array<ArrayBuffer> {
  const thrower = func([], [op.local_get, 0, op.throw, 0, END]);
  const sum = func([[1, I32]], [
    op.loop, VOID,
    op.try, I32, op.local_get, 1, op.call, 0, op.i32_const, 0, op.catch, 0, END,
    op.local_get, 2, op.i32_add, op.local_set, 2,
    ...countdown,
    END,
    op.local_get, 2, END,
  ]);
  const relay = func([], [
    op.try, I32,
    op.try, VOID, op.local_get, 1, op.call, 0, op.delegate, 0,
    op.i32_const, 0,
    op.catch, 0,
    op.try, VOID, op.local_get, 0, op.call, 0, op.catch_all, op.rethrow, 0, END,
    END, END,
  ]);
  return wasmModule(
    section(1, vec([functype([I32], []), functype([I32, I32], [I32])])),
    section(3, vec([[0], [1], [1]])),
    section(5, vec([[0, 1]])),
    section(13, vec([[0, 0]])),
    section(7, vec([[...str('sum'), 0, 1], [...str('relay'), 0, 2], [...str('memory'), 2, 0], [...str('tag'), 4, 0]])),
    section(10, vec([thrower, sum, relay])),
  );
}

test('fuel_legacy_catch_with_a_payload_delegate_and_rethrow_after_the_memory_rewrite', () => {
  const wasm = sjljModule();
  if (!WebAssembly.validate(wasm)) return; // an engine without legacy exceptions
  // as Program.compile does: the memory becomes an import, then the module is metered
  const rewritten = rewriteMemory(wasm, { importIt: true, maxBytes: 1 << 20 });
  assert.deepEqual(rewritten.imported, { initial: 1, maximum: 16 });
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 });
  const { instance, exports, cost, host } = instantiate(new Uint8Array(rewritten.code), fuelHost(), { [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory } });
  // sum: 3 outside the loop (loop, local.get, end); per throw the loop body 15 and the thrower 3
  assert.equal(exports.sum!(10, 7), 70);
  assert.equal(cost('sum', 10, 7), 3n + 10n * 18n);
  assert.equal(cost('sum', 20, 7), 3n + 20n * 18n);
  // relay: its 15 instructions and two throws of 3; b's exception is caught, a's escapes
  let escaped: unknown;
  const before = host.used();
  try { exports.relay!(3, 5); } catch (e) { escaped = e; }
  assert.equal(host.used() - before, 15n + 3n + 3n);
  // (TypeScript's lib has no types for the exception-handling API yet)
  const { Exception } = WebAssembly as unknown as { Exception: new () => { getArg(tag: unknown, index: number): unknown } };
  assert.ok(escaped instanceof Exception);
  assert.equal(escaped.getArg(instance.exports.tag, 0), 3);
  assert.equal(cost('sum', 1, 0), 3n + 18n, 'and charging goes on from there');
});

test('fuel_out_runs_when_fuel_goes_negative_and_may_refill_little_by_little', () => {
  const small = instantiate(costModule(), fuelHost(10n));
  assert.equal(small.cost('count', 1000), 6002n);
  assert.ok(small.host.fuel.outs >= 600, `fuel_out called ${small.host.fuel.outs} times`);
  assert.ok((small.host.fuel.global.value as bigint) >= 0n);
  const big = instantiate(costModule());
  assert.equal(big.cost('count', 1000), 6002n);
  assert.equal(big.host.fuel.outs, 1); // the global starts at 0: the first charge asks
});

test('fuel_out_may_suspend_through_jspi', async (t) => {
  const W = WebAssembly as unknown as { Suspending?: new (f: () => Promise<void>) => object; promising?: (f: unknown) => (...a: number[]) => Promise<unknown> };
  if (!W.Suspending || !W.promising) return t.skip('no JSPI in this engine');
  let global: WebAssembly.Global | undefined, outs = 0;
  const fuelOut = new W.Suspending(async () => {
    await new Promise(resolve => setTimeout(resolve, 0)); // let others run
    outs++;
    global!.value = (global!.value as bigint) + 100n;
  });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(meter(costModule())), { [FUEL_IMPORT.module]: { [FUEL_IMPORT.name]: fuelOut } } as WebAssembly.Imports);
  global = instance.exports[FUEL_EXPORT] as WebAssembly.Global;
  await W.promising(instance.exports.count)(1000);
  assert.equal(BigInt(outs) * 100n - (global.value as bigint), 6002n);
  assert.equal(outs, 61);
});

// ---- renumbering --------------------------------------------------------------------------

/**
 * One imported function (log) and global (base) ahead of six defined functions, a start
 * function, a table filled by element segments of all eight encodings, table.init,
 * ref.func in code and in a global, a tail call, exports and a `name` section. run()
 * logs what each path calls; the metered module must log the same.
 */
function renumberModule(): Uint8Array<ArrayBuffer> {
  const [T_LOG, T_V, T_GET7] = [0, 1, 2];
  const callAt = (slot: number): Bytes => [op.i32_const, slot, op.call_indirect, T_GET7, 0, op.call, 0];
  const tableInit = (slot: number, seg: number): Bytes => [op.i32_const, slot, op.i32_const, 0, op.i32_const, 1, 0xfc, 12, seg, 0];
  const run = [
    ...[0, 1, 2, 3, 6, 7].flatMap(callAt),
    ...tableInit(8, 1), ...callAt(8),
    ...tableInit(9, 5), ...callAt(9),
    op.i32_const, 4, op.global_get, 1, op.table_set, 0, ...callAt(4),
    op.i32_const, 5, op.ref_func, 2, op.table_set, 0, ...callAt(5),
    op.call, 2, op.call, 0, // seven directly
    op.call, 5, op.call, 0, // tail, which tail-calls eight
    op.global_get, 0, op.call, 0,
    END,
  ];
  const refFunc = (f: number): Bytes => [op.ref_func, f, END];
  const offset = (n: number): Bytes => [op.i32_const, n, END];
  const names = ['log', 'start', 'seven', 'eight', 'run', 'tail', 'boom'];
  return wasmModule(
    section(1, vec([functype([I32], []), functype([], []), functype([], [I32])])),
    section(2, vec([[...str('env'), ...str('log'), 0, T_LOG], [...str('env'), ...str('base'), 3, I32, 0]])),
    section(3, vec([[T_V], [T_GET7], [T_GET7], [T_V], [T_GET7], [T_V]])),
    section(4, vec([[FUNCREF, 0, 10]])),
    section(6, vec([[FUNCREF, 0, ...refFunc(3)]])),
    section(7, vec([[...str('run'), 0, 4], [...str('seven'), 0, 2], [...str('boom'), 0, 6], [...str('table'), 1, 0], [...str('fref'), 3, 1]])),
    section(8, u32(1)),
    section(9, vec([
      [0, ...offset(0), ...vec([[2], [3]])], // table[0] seven, [1] eight
      [1, 0, ...vec([[3]])], // passive: eight
      [2, 0, ...offset(6), 0, ...vec([[5]])], // table[6] tail
      [3, 0, ...vec([[2]])], // declarative: seven
      [4, ...offset(2), ...vec([refFunc(3), refFunc(2)])], // table[2] eight, [3] seven
      [5, FUNCREF, ...vec([refFunc(2)])], // passive: seven
      [6, 0, ...offset(7), FUNCREF, ...vec([refFunc(3)])], // table[7] eight
      [7, FUNCREF, ...vec([refFunc(3)])], // declarative: eight
    ])),
    section(10, vec([
      func([], [op.i32_const, 50, op.call, 0, END]), // start: log(50)
      func([], [op.i32_const, 7, END]),
      func([], [op.i32_const, 8, END]),
      func([], run),
      func([], [op.return_call, 3, END]),
      func([], [op.unreachable, END]),
    ])),
    section(0, [...str('name'), ...section(0, str('renumber')), ...section(1, vec(names.map((n, i) => [...u32(i), ...str(n)])))]),
  );
}

test('renumbering_keeps_calls_tables_exports_start_and_names', () => {
  const wasm = renumberModule();
  const expected = [50, 7, 8, 8, 7, 8, 8, 8, 7, 8, 7, 7, 8, 42];
  const results: number[][] = [];
  for (const metered of [false, true]) {
    const log: number[] = [];
    const host = fuelHost();
    const env = { log: (x: number) => log.push(x), base: 42 };
    const instance = new WebAssembly.Instance(new WebAssembly.Module(metered ? meter(wasm) : wasm), { env, ...host.imports });
    assert.deepEqual(log, [50], 'the start function ran');
    if (metered) {
      assert.equal(host.fuel.outs, 1, 'the start function asked for fuel');
      host.bind(instance);
      assert.equal(host.used(), 3n, 'and used 3: i32.const, call, end');
    }
    const ex = instance.exports as Record<string, unknown>;
    (ex.run as () => void)();
    results.push(log);
    assert.equal((ex.seven as () => number)(), 7);
    assert.equal(((ex.table as WebAssembly.Table).get(1) as () => number)(), 8);
    assert.equal(((ex.fref as WebAssembly.Global).value as () => number)(), 8);
    assert.throws(() => (ex.boom as () => void)(), (e: Error) => /\bboom\b/.test(e.stack ?? '') && !/\btail\b/.test(e.stack ?? ''));
    if (metered) {
      assert.ok(host.used() > 0n);
      assert.equal(typeof (ex[FUEL_EXPORT] as WebAssembly.Global).value, 'bigint');
    }
  }
  assert.deepEqual(results[0], expected);
  assert.deepEqual(results[1], expected);
});

// ---- C guests under node:wasi ------------------------------------------------------------

test('metered_hello_validates_and_runs', () => {
  const plain = wasmOf('fuel_hello');
  const metered = meter(plain);
  assert.ok(WebAssembly.validate(metered));
  const want = runWasi(plain, ['a', 'b c']);
  const got = runWasi(metered, ['a', 'b c'], fuelHost());
  assert.equal(want.stdout, 'hello, fuel\narg 1: a\narg 2: b c\n');
  assert.equal(got.code, 0);
  assert.equal(got.stdout, want.stdout);
  assert.ok(got.fuel!.used > 100n, `fuel used ${got.fuel!.used}`);
});

test('compute_fuel_is_the_same_every_run', () => {
  const plain = wasmOf('fuel_sieve');
  const metered = meter(plain);
  assert.deepEqual(meter(plain), metered, 'metering itself is deterministic');
  const want = runWasi(plain, ['30000', '3']);
  assert.match(want.stdout, /^primes up to 30000: 3245, hash [0-9a-f]{8}\n$/);
  const runs = [fuelHost(), fuelHost(), fuelHost(997n), fuelHost(1n)].map(host => runWasi(metered, ['30000', '3'], host));
  for (const run of runs) {
    assert.equal(run.code, 0);
    assert.equal(run.stdout, want.stdout);
    assert.equal(run.fuel!.used, runs[0]!.fuel!.used, 'fuel used does not depend on run or refill size');
  }
  assert.ok(runs[3]!.fuel!.outs > 1000, 'tiny refills call fuel_out often');
  const more = runWasi(metered, ['60000', '3'], fuelHost());
  assert.ok(more.fuel!.used > runs[0]!.fuel!.used, 'more work, more fuel');
});

test('endless_loop_is_stopped_by_fuel_out', () => {
  const host = fuelHost(100_000n, 20);
  const wasm = meter(wasmOf('fuel_spin'));
  assert.throws(() => runWasi(wasm, [], host), /fuel exhausted/);
  assert.equal(host.fuel.outs, 21);
});

test('metered_calls_program_keeps_indirect_calls_and_exports', () => {
  const plain = wasmOf('fuel_calls');
  const want = runWasi(plain);
  const got = runWasi(meter(plain), [], fuelHost());
  assert.match(want.stdout, /add\(7, 3\) = 10\n.*sorted 1 3 5 7 9\nfib\(20\) = 6765\n$/s);
  assert.equal(got.stdout, want.stdout);
  const ex = got.instance.exports as Record<string, (...a: number[]) => number>;
  assert.equal(ex.square!(12), 144);
  assert.equal(ex.apply!(2, 6, 7), 42);
});

test('metered_guests_with_simd_bulk_memory_and_tail_calls_run', () => {
  const cases: [string, string[], string[]][] = [
    ['fuel_sieve', ['-msimd128', '-mbulk-memory', '-mnontrapping-fptoint', '-msign-ext'], ['20000', '2']],
    ['fuel_calls', ['-mtail-call', '-mbulk-memory', '-msimd128'], []],
  ];
  for (const [name, flags, args] of cases) {
    const plain = wasmOf(name, flags);
    const metered = meter(plain);
    assert.ok(WebAssembly.validate(metered), `${name} ${flags.join(' ')}`);
    assert.equal(runWasi(metered, args, fuelHost()).stdout, runWasi(plain, args).stdout);
  }
});

// ---- malformed and hostile input ---------------------------------------------------------

/** meter() either returns a module or throws GoblinError(ENOEXEC); a valid input stays valid. */
function meterOrEnoexec(wasm: Uint8Array<ArrayBuffer>): void {
  let out: Uint8Array<ArrayBuffer>;
  try {
    out = meter(wasm);
  } catch (e) {
    if (e instanceof GoblinError && e.errno === 'ENOEXEC') return;
    throw new Error(`meter threw ${String(e)} on ${wasm.length} bytes`);
  }
  if (WebAssembly.validate(wasm)) assert.ok(WebAssembly.validate(out), 'a valid module stays valid when metered');
}

/** A small deterministic PRNG (xorshift32), so failures replay. */
function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return n => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

test('meter_rejects_what_is_not_a_core_module', () => {
  assertEnoexec(() => meter('\0asm' as unknown as Uint8Array), /not bytes/);
  assertEnoexec(() => meter(new Uint8Array(0)), /bad magic/);
  assertEnoexec(() => meter(new TextEncoder().encode('#!/bin/sh\necho hi\n')), /bad magic/);
  assertEnoexec(() => meter(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0])), /component/);
  assertEnoexec(() => meter(meter(costModule())), /already exports goblin_fuel/);
});

test('meter_rejects_crafted_modules_cleanly', () => {
  const body = (code: Bytes) => wasmModule(types, section(3, vec([[T_VOID]])), section(10, vec([func([], code)])));
  const cases: [string, Uint8Array<ArrayBuffer>, RegExp][] = [
    ['section past the end', wasmModule([1, 0xff, 0xff, 0x03, 0]), /unexpected end/],
    ['endless LEB', wasmModule([1, ...new Array(20).fill(0x80)]), /integer too (long|large)/],
    ['endless LEB in code', body([op.i64_const, ...new Array(20).fill(0x80)]), /integer too long/],
    ['u32 overflow', wasmModule([1, 0xff, 0xff, 0xff, 0xff, 0x7f]), /integer too large/],
    ['huge type count', wasmModule(section(1, [0xff, 0xff, 0xff, 0xff, 0x0f, 0x60, 0, 0])), /unexpected end/],
    ['unknown section', wasmModule(section(14, [])), /unknown section id 14/],
    ['sections out of order', wasmModule(section(3, vec([])), section(1, vec([]))), /out of order/],
    ['duplicate section', wasmModule(types, types), /duplicated/],
    ['unknown opcode', body([0xff, END]), /unknown instruction 0xff/],
    ['unknown prefixed opcode', body([0xfc, 99, END]), /unknown instruction 0xfc 99/],
    ['body without end', body([op.block, VOID, END]), /unexpected end/],
    ['bytes after the end', body([END, op.drop]), /continues after its end/],
    ['br_table claiming 4G labels', body([op.i32_const, 0, 0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, END]), /unexpected end/],
    ['code without functions', wasmModule(types, section(10, vec([func([], [END])]))), /differ in length/],
    ['function of a bad type', wasmModule(types, section(3, vec([[9]])), section(10, vec([func([], [END])]))), /no function type/],
    ['section with trailing bytes', wasmModule(section(8, [0, 0])), /trailing bytes/],
    ['bad import kind', wasmModule(section(2, vec([[...str('a'), ...str('b'), 9]]))), /bad import kind/],
  ];
  for (const [what, wasm, message] of cases) assertEnoexec(() => meter(wasm), message, what);
});

test('meter_handles_deep_nesting_and_long_bodies_without_recursion', () => {
  const depth = 100_000;
  const deep = wasmModule(types, section(3, vec([[T_VOID]])), section(10, vec([func([], [
    ...new Array(depth).fill([op.block, VOID]).flat(), ...new Array(depth).fill(END), END,
  ])])));
  const out = meter(deep);
  assert.ok(out.length > deep.length);
  const loops = wasmModule(types, section(3, vec([[T_VOID]])), section(10, vec([func([], [
    ...new Array(depth).fill([op.loop, VOID]).flat(), ...new Array(depth).fill(END), END,
  ])])));
  assert.ok(meter(loops).length > loops.length);
});

test('meter_survives_truncated_modules', () => {
  const spin = wasmOf('fuel_spin');
  for (let n = 0; n < spin.length; n++) meterOrEnoexec(spin.slice(0, n));
  const hello = wasmOf('fuel_hello');
  for (let n = 0; n < hello.length; n += 37) meterOrEnoexec(hello.slice(0, n));
});

test('meter_survives_garbage_and_mutations', () => {
  const random = prng(0x5eed);
  for (let i = 0; i < 500; i++) {
    const junk = new Uint8Array(8 + random(200));
    junk.set([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    for (let k = 8; k < junk.length; k++) junk[k] = random(256);
    meterOrEnoexec(junk);
  }
  const originals = [wasmOf('fuel_spin'), renumberModule(), costModule(), throwModule(true), throwModule(false)];
  for (const original of originals) {
    for (let i = 0; i < 1000; i++) {
      const bad = original.slice();
      for (let flips = 1 + random(3); flips > 0; flips--) bad[8 + random(bad.length - 8)] = random(256);
      meterOrEnoexec(bad);
    }
  }
});
