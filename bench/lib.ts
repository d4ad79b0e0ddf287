// Benchmark helpers: one way to alternate and time the two sides of a row, one
// statistic, one sink, one host-shell loop, and one printed form per row.
// A row's label says what each side does; where the two cannot do the same work,
// the label says how they differ.
import { execFileSync } from 'node:child_process';
import { openSync } from 'node:fs';
import type { Handle } from '../src/fs/types.ts';
import { hostOutput } from '../src/node/stdio.ts';

export const now = () => performance.now();

export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
}

/** The host's /dev/null, open for writing: the sink both sides of a row write to. */
export const devNull = openSync('/dev/null', 'w');

/** devNull as a VM's stdout or stderr: each write is a write(2), as node:wasi makes. */
export const nullOut = (): Handle => hostOutput(devNull);

/** One side of a row: does its work once and answers its figure (the ms it took, unless it measures itself). */
export type Side = () => number | Promise<number>;

/** A side timed from outside: from the call of f to the end of its work. */
export const timed = (f: () => unknown): Side => async () => { const t = now(); await f(); return now() - t; };

/**
 * Runs the sides one after another, round after round: `warm` rounds untimed, then
 * `reps` kept, so drift in the machine falls on every side alike. Each side's samples.
 */
export async function rounds(reps: number, warm: number, sides: Side[]): Promise<number[][]> {
  const kept = sides.map(() => [] as number[]);
  for (let i = 0; i < warm + reps; i++) {
    for (const [j, side] of sides.entries()) {
      const ms = await side();
      if (i >= warm) kept[j]!.push(ms);
    }
  }
  return kept;
}

/** Two pieces of work, timed alternately after `warm` untimed rounds: the median ms of each. */
export async function alternate(reps: number, a: () => unknown, b: () => unknown, warm = 1): Promise<[number, number]> {
  const [ta, tb] = await rounds(reps, warm, [timed(a), timed(b)]);
  return [median(ta!), median(tb!)];
}

/** A script's stdout under the host's /bin/sh. */
export const sh = (script: string): string => execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });

/**
 * The host side of a shell row: `script` run n times inside one /bin/sh with its
 * stdout on /dev/null, less the same sh running n empty iterations (`:`) just before.
 * Answers ms per iteration, without sh's start-up or Node's spawn of it.
 */
export function hostLoop(script: string, n: number): number {
  const run = (body: string) => {
    const t = now();
    execFileSync('/bin/sh', ['-c', `i=0; while [ $i -lt ${n} ]; do ${body}; i=$((i+1)); done`], { stdio: ['ignore', devNull, 'inherit'] });
    return now() - t;
  };
  const empty = run(':');
  return (run(script) - empty) / n;
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/**
 * Prints the row's label, then `goblin X unit   peer Y unit   ratio R (goal G)`. The
 * ratio is goblin/peer: for times lower is better, for throughputs higher is better.
 */
export function report(what: string, goblin: number, peerName: string, peer: number, unit: string, goal: string): void {
  console.log(what);
  console.log(`    goblin ${fmt(goblin)} ${unit}   ${peerName} ${fmt(peer)} ${unit}   ratio ${(goblin / peer).toFixed(2)}x   (goal ${goal})`);
}
