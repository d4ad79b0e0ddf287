// Fuel metering overhead: a compute-heavy C guest (test/c/fuel_sieve.c) in Goblin VMs,
// metered with a finite fuel limit beside the same module unmetered, alternating.
// The metered VM takes the real path: each 5M-unit slice ends in fuel_out, which
// accounts, yields to the event loop and refills (kernel/vm.ts). Goal (DESIGN.md
// section 5): metered / unmetered <= 1.15.
//   node bench/fuel.ts [--quick] [N] [ROUNDS] [REPS]
import { readFileSync } from 'node:fs';
import { Kernel } from '../src/wasi/kernel.ts';
import type { Program } from '../src/kernel/program.ts';
import type { Limits } from '../src/kernel/vm.ts';
import { meter } from '../src/fuel/meter.ts';
import { cc } from '../test/lib/cc.ts';
import { median, now, nullOut, report, rounds, timed } from './lib.ts';

const quick = process.argv.includes('--quick');
const [n = '2000000', times = quick ? '5' : '20', reps = quick ? '5' : '11'] = process.argv.slice(2).filter(a => /^\d+$/.test(a));
const LIMIT = 1e12; // finite, far above what the guest uses: every slice is refilled, none runs dry
const SLICE = 5e6; // as kernel/vm.ts

const bytes = new Uint8Array(readFileSync(cc('fuel_sieve')));
const t0 = now();
const meteredBytes = meter(bytes);
const meterMs = now() - t0;
const kernel = new Kernel();
const metered = await kernel.compile(bytes, { metered: true });
const plain = await kernel.compile(bytes, { metered: false });

let used = 0n;
async function run(module: Program, limits: Limits): Promise<void> {
  const vm = kernel.spawn({ module, args: ['fuel_sieve', n, times], stdout: nullOut(), stderr: nullOut(), limits });
  const st = await vm.exit;
  if (st.code !== 0) throw new Error(`fuel_sieve exited ${st.code} ${st.message ?? ''}`);
  if (module.metered) used = vm.fuelUsed()!;
}

const [m, p] = await rounds(Number(reps), 3, [timed(() => run(metered, { fuel: LIMIT })), timed(() => run(plain, {}))]);
console.log(`Goblin fuel benchmark (node ${process.version}${quick ? ', quick' : ''}); meter() took ${meterMs.toFixed(1)} ms (${bytes.length} -> ${meteredBytes.length} bytes)`);
report(`fuel_sieve ${n} x${times} in a goblin VM: metered, fuel limit ${LIMIT.toExponential()}, ${used} fuel used in ${Math.ceil(Number(used) / SLICE)} slices of ${SLICE.toExponential()} (each ends, yields, is refilled) vs the same module unmetered in a goblin VM; median of ${reps} alternating after 3 warm-up`,
  median(m!), 'unmetered', median(p!), 'ms', '≤ 1.15x');
