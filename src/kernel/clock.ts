// Time and chance for one VM. A real clock reads the host; a deterministic one
// advances by a fixed step per reading and jumps over sleeps, and its randomness
// comes from a seeded generator, so two runs with the same inputs match byte for byte.

export interface VmClock {
  readonly deterministic: boolean;
  realtime(): bigint;
  monotonic(): bigint;
  /** CPU time of the VM; approximated by its monotonic age */
  cputime(): bigint;
  random(dst: Uint8Array): void;
  /** Waits until monotonic() reaches `deadline`; the deterministic clock just jumps. */
  sleepUntil(deadline: bigint): Promise<void> | void;
}

export function realClock(): VmClock {
  const start = performance.now();
  return {
    deterministic: false,
    realtime: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)),
    monotonic: () => BigInt(Math.round(performance.now() * 1e6)),
    cputime: () => BigInt(Math.round((performance.now() - start) * 1e6)),
    random: dst => {
      for (let i = 0; i < dst.length; i += 65536) crypto.getRandomValues(dst.subarray(i, Math.min(dst.length, i + 65536)));
    },
    sleepUntil(deadline) {
      const ms = Number(deadline - this.monotonic()) / 1e6;
      if (ms <= 0) return;
      // a timer longer than 2^31-1 ms would fire at once; a longer sleep wakes and sleeps again
      return new Promise<void>(r => setTimeout(r, Math.min(Math.ceil(ms), 0x7fffffff))).then(() => this.sleepUntil(deadline));
    },
  };
}

/** 2000-01-01T00:00:00Z: where deterministic wall-clock time starts */
const EPOCH = 946684800n * 1_000_000_000n;
const STEP = 1000n; // 1 µs per reading

export function deterministicClock(seed: number): VmClock {
  let now = 0n;
  const next = sfc32(seed);
  return {
    deterministic: true,
    realtime: () => EPOCH + (now += STEP),
    monotonic: () => (now += STEP),
    cputime: () => (now += STEP),
    random: dst => {
      let i = 0;
      for (; i + 4 <= dst.length; i += 4) {
        const v = next();
        dst[i] = v; dst[i + 1] = v >>> 8; dst[i + 2] = v >>> 16; dst[i + 3] = v >>> 24;
      }
      if (i < dst.length) { const v = next(); for (let k = 0; i < dst.length; i++, k += 8) dst[i] = v >>> k; }
    },
    sleepUntil(deadline) { if (deadline > now) now = deadline; },
  };
}

/** A small, fast, well-mixed 32-bit generator (Chris Doty-Humphrey's sfc32). */
function sfc32(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const step = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) step();
  return step;
}
