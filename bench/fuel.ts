// Fuel metering overhead: runs a compute-heavy C guest (test/c/fuel_sieve.c) under
// node:wasi, metered and unmetered, alternating, and prints the medians and their ratio.
// Goal (DESIGN.md section 5): metered / unmetered <= 1.15.
//   node bench/fuel.ts [N] [ROUNDS] [REPS]
import { openSync, readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { FUEL_EXPORT, FUEL_IMPORT, meter } from '../src/fuel/meter.ts';
import { cc } from '../test/lib/cc.ts';

const [n = '2000000', rounds = '20', reps = '11'] = process.argv.slice(2);
const plain = new Uint8Array(readFileSync(cc('fuel_sieve')));
const t0 = performance.now();
const metered = meter(plain);
const meterMs = performance.now() - t0;
const modules = { plain: new WebAssembly.Module(plain), metered: new WebAssembly.Module(metered) };
const devNull = openSync('/dev/null', 'w');

interface Run { ms: number; fuel: bigint; outs: number }

function run(module: WebAssembly.Module): Run {
  const wasi = new WASI({ version: 'preview1', args: ['fuel_sieve', n, rounds], returnOnExit: true, stdout: devNull });
  const refill = 1n << 40n;
  let refilled = 0n, outs = 0;
  let fuel: WebAssembly.Global | undefined;
  const fuelOut = () => { outs++; refilled += refill; fuel!.value = (fuel!.value as bigint) + refill; };
  const imports = { ...(wasi.getImportObject() as WebAssembly.Imports), [FUEL_IMPORT.module]: { [FUEL_IMPORT.name]: fuelOut } };
  const instance = new WebAssembly.Instance(module, imports);
  fuel = instance.exports[FUEL_EXPORT] as WebAssembly.Global | undefined;
  const start = performance.now();
  const code = wasi.start(instance);
  const ms = performance.now() - start;
  if (code !== 0) throw new Error(`fuel_sieve exited ${code}`);
  return { ms, fuel: fuel ? refilled - (fuel.value as bigint) : 0n, outs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const times = { plain: [] as number[], metered: [] as number[] };
let last: Run | undefined;
for (let i = 0; i < 3; i++) run(modules.plain), run(modules.metered); // let both tier up
for (let i = 0; i < Number(reps); i++) {
  times.plain.push(run(modules.plain).ms);
  last = run(modules.metered);
  times.metered.push(last.ms);
}
const p = median(times.plain), m = median(times.metered);
console.log(`fuel_sieve ${n} x${rounds}, ${reps} runs each; meter() took ${meterMs.toFixed(1)} ms (${plain.length} -> ${metered.length} bytes)`);
console.log(`unmetered median ${p.toFixed(1)} ms`);
console.log(`metered   median ${m.toFixed(1)} ms (fuel used ${last!.fuel}, fuel_out calls ${last!.outs})`);
console.log(`ratio ${(m / p).toFixed(3)} (goal <= 1.15)`);
