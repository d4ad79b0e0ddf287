// At most N requests at once across all the server's threads, and a bounded queue
// behind them: two counters in shared memory, taken with compare-and-swap, so no
// thread asks another. A thread whose requests wait watches the first counter
// (Atomics.waitAsync) and takes a slot when another thread's request ends.

const ACTIVE = 0, QUEUED = 1;

/** The shared memory a gate's threads all use: make it once, pass it to each. */
export function gateMemory(): SharedArrayBuffer { return new SharedArrayBuffer(8); }

export class Gate {
  private readonly counts: Int32Array;
  private readonly waiters: (() => void)[] = [];
  private watching = false;
  readonly max: number;
  readonly queue: number;

  constructor(memory: SharedArrayBuffer, max: number, queue: number) {
    this.counts = new Int32Array(memory);
    this.max = max;
    this.queue = queue;
  }

  /** true: go now; a promise: go when it settles; false: the queue is full (503). */
  enter(): true | false | Promise<void> {
    if (this.waiters.length === 0 && this.take()) return true;
    if (Atomics.add(this.counts, QUEUED, 1) >= this.queue) { Atomics.sub(this.counts, QUEUED, 1); return false; }
    const p = new Promise<void>(resolve => this.waiters.push(resolve));
    this.watch();
    return p;
  }

  /** A request that entered has ended. */
  leave(): void {
    Atomics.sub(this.counts, ACTIVE, 1);
    Atomics.notify(this.counts, ACTIVE);
    this.grant();
  }

  private take(): boolean {
    for (;;) {
      const n = Atomics.load(this.counts, ACTIVE);
      if (n >= this.max) return false;
      if (Atomics.compareExchange(this.counts, ACTIVE, n, n + 1) === n) return true;
    }
  }

  private grant(): void {
    while (this.waiters.length && this.take()) {
      Atomics.sub(this.counts, QUEUED, 1);
      this.waiters.shift()!();
    }
  }

  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    const loop = (): void => {
      this.grant();
      if (!this.waiters.length) { this.watching = false; return; }
      const seen = Atomics.load(this.counts, ACTIVE);
      // a slot freed since grant() looked: look again rather than wait for the next change
      if (seen < this.max) { queueMicrotask(loop); return; }
      const w = Atomics.waitAsync(this.counts, ACTIVE, seen);
      if (w.async) void w.value.then(loop); else queueMicrotask(loop);
    };
    loop();
  }
}
