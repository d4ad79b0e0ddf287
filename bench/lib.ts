// Benchmark helpers: timing, medians, and one line per comparison with the ratio.
export const now = () => performance.now();

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
}

/** Runs f `reps` times; answers the median milliseconds. */
export async function timeIt(reps: number, f: () => unknown): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < reps; i++) { const a = now(); await f(); t.push(now() - a); }
  return median(t);
}

/** Times a and b alternately, `reps` each, so drift in the machine falls on both; median ms of each. */
export async function alternate(reps: number, a: () => unknown, b: () => unknown): Promise<[number, number]> {
  const ta: number[] = [], tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    let t = now(); await a(); ta.push(now() - t);
    t = now(); await b(); tb.push(now() - t);
  }
  return [median(ta), median(tb)];
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/**
 * Prints `what: goblin X unit, peer Y unit, ratio R (goal G)`; for times, the ratio is
 * goblin/peer (lower is better); for throughputs, goblin/peer (higher is better).
 */
export function report(what: string, goblin: number, peerName: string, peer: number, unit: string, goal: string): void {
  const ratio = goblin / peer;
  console.log(`${what.padEnd(44)} goblin ${fmt(goblin)} ${unit}   ${peerName} ${fmt(peer)} ${unit}   ratio ${ratio.toFixed(2)}x   (goal ${goal})`);
}
