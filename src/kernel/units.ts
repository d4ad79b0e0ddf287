// Sizes and durations as people write them, for flags and manifests alike.

/** Bytes: 64K, 1.5M, 2GiB; a bare number is bytes. Null when it is not a size. */
export function parseSize(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(v.trim());
  return m ? Math.floor(Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase())) : null;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds: 500ms, 2s, 1.5m, 1h; a bare number is seconds. Null when it is not a duration. */
export function parseDuration(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  return m ? Number(m[1]) * UNITS[m[2] ?? 's']! : null;
}
