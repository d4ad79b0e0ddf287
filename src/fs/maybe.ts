// Code that may or may not wait, written once: a generator yields each Maybe value
// and gets it back settled. The driver stays synchronous until something is a Promise,
// so local file servers never pay for a microtask.
import type { Maybe } from './types.ts';

export type Steps<T> = Generator<unknown, T, any>;

export function drive<T>(g: Steps<T>): Maybe<T> {
  let r = g.next();
  while (!r.done) {
    if (r.value instanceof Promise) return driveLater(g, r.value);
    r = g.next(r.value);
  }
  return r.value;
}

async function driveLater<T>(g: Steps<T>, first: Promise<unknown>): Promise<T> {
  let r: IteratorResult<unknown, T>;
  try { r = g.next(await first); } catch (e) { r = g.throw(e); }
  while (!r.done) {
    let v = r.value;
    if (v instanceof Promise) {
      try { v = await v; } catch (e) { r = g.throw(e); continue; }
    }
    r = g.next(v);
  }
  return r.value;
}
