// The user's cache directory ($GOBLIN_CACHE, else $XDG_CACHE_HOME/goblin, else
// ~/.cache/goblin): appliances by digest (bases found there), and programs as
// metering made them, so a second run of the same module skips validating and
// metering it. Safe for concurrent writers: every file is written under a name
// of its own, then renamed into place (rename is atomic; two writers of one key
// write the same bytes). A program file carries the SHA-256 of its code, checked
// on every read: a damaged one is ignored and made again, never run.
//
// Programs are kept per build of the metering code (a digest of its files), so
// an upgraded goblin never runs what an older one metered.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProgramStore, StoredProgram } from '../kernel/program.ts';

export function cacheDir(): string {
  if (process.env.GOBLIN_CACHE) return process.env.GOBLIN_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'goblin');
}

const trace = (what: string) => { if (/\bcache\b/.test(process.env.GOBLIN_DEBUG ?? '')) process.stderr.write(`goblin: cache: ${what}\n`); };

/** Writes a file whole or not at all. */
export function writeAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    writeFileSync(tmp, bytes, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* never made */ }
    throw e;
  }
}

/** The build's digest of the metering code, put here by scripts/build.ts (hashing it at each start cost ~5 ms). */
declare const GOBLIN_METERING_BUILD: string | undefined;

/** The code that makes programs, digested: what a stored program was made by. */
export function meteringBuild(base: string = import.meta.url): string {
  if (typeof GOBLIN_METERING_BUILD === 'string') return GOBLIN_METERING_BUILD;
  const h = createHash('sha256');
  for (const m of ['../fuel/meter', '../fuel/walk', '../fuel/opcodes', '../wasm/memory', '../wasm/bytes']) {
    for (const ext of ['.js', '.ts']) {
      try { h.update(readFileSync(fileURLToPath(new URL(m + ext, base)))); break; } catch { /* the other extension */ }
    }
  }
  return h.digest('hex').slice(0, 16);
}

/** Programs in the cache directory. */
export class DiskPrograms implements ProgramStore {
  private dirPath: string | null = null;
  private dir(): string { return this.dirPath ??= join(cacheDir(), 'programs', meteringBuild()); }

  async get(key: string): Promise<StoredProgram | null> {
    let b: Buffer;
    // read at once: a start waits for it anyway, and the thread pool's round trip costs more than the read
    try { b = readFileSync(join(this.dir(), `${key}.prog`)); } catch { trace(`miss ${key}`); return null; }
    try {
      const n = b.readUInt32LE(0);
      const head = JSON.parse(b.subarray(4, 4 + n).toString('utf8')) as { sha256: string; memory: StoredProgram['memory'] };
      const code = new Uint8Array(b.buffer, b.byteOffset + 4 + n, b.length - 4 - n);
      if (createHash('sha256').update(code).digest('hex') !== head.sha256) throw new Error('damaged');
      trace(`hit ${key}`);
      return { code, memory: head.memory };
    } catch {
      trace(`damaged ${key}`);
      return null;
    }
  }

  put(key: string, p: StoredProgram): void {
    try {
      mkdirSync(this.dir(), { recursive: true, mode: 0o700 });
      const head = Buffer.from(JSON.stringify({ sha256: createHash('sha256').update(p.code).digest('hex'), memory: p.memory }));
      const len = Buffer.alloc(4);
      len.writeUInt32LE(head.length);
      writeAtomic(join(this.dir(), `${key}.prog`), Buffer.concat([len, head, p.code]));
      trace(`stored ${key}`);
    } catch { /* a cache that cannot be written is only slower */ }
  }
}

/** Where an appliance of that digest is kept. */
export const appliancePath = (digest: string): string => join(cacheDir(), 'appliances', `${digest.replace(':', '-')}.gob`);

/** Keeps an appliance's bytes by digest (for bases, found by digest later). */
export function keepAppliance(digest: string, bytes: Uint8Array): void {
  const path = appliancePath(digest);
  try { if (statSync(path).size === bytes.length) return; } catch { /* not kept yet */ }
  mkdirSync(join(cacheDir(), 'appliances'), { recursive: true, mode: 0o700 });
  writeAtomic(path, bytes);
}

export interface CacheEntry { kind: 'appliance' | 'program'; name: string; bytes: number }

export function cacheEntries(): CacheEntry[] {
  const out: CacheEntry[] = [];
  const list = (dir: string) => { try { return readdirSync(dir); } catch { return []; } };
  const root = cacheDir();
  for (const f of list(join(root, 'appliances')).sort()) {
    if (f.endsWith('.gob')) out.push({ kind: 'appliance', name: f.replace(/\.gob$/, '').replace('-', ':'), bytes: statSync(join(root, 'appliances', f)).size });
  }
  for (const build of list(join(root, 'programs')).sort()) {
    for (const f of list(join(root, 'programs', build)).sort()) {
      if (f.endsWith('.prog')) out.push({ kind: 'program', name: `${build}/${f.replace(/\.prog$/, '')}`, bytes: statSync(join(root, 'programs', build, f)).size });
    }
  }
  return out;
}

export function clearCache(): void {
  for (const d of ['appliances', 'programs']) rmSync(join(cacheDir(), d), { recursive: true, force: true });
}

/** `goblin cache ls` */
export function listCache(): void {
  const all = cacheEntries();
  for (const e of all) process.stdout.write(`${e.kind.padEnd(9)} ${String(e.bytes).padStart(10)}  ${e.name}\n`);
  process.stdout.write(`${all.length} entries, ${all.reduce((n, e) => n + e.bytes, 0)} bytes in ${cacheDir()}\n`);
}

/** `goblin cache clear` */
export function clearCacheCommand(): void {
  clearCache();
  process.stdout.write(`cleared ${cacheDir()}\n`);
}
