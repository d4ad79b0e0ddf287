// Appliances on Node: files read from the host, bases found in the cache or where
// they were when the appliance was packed, manifests checked by the schema, and
// compiled programs kept in the cache directory.
import { closeSync, openSync, readFile as readFileCb, readFileSync, readSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Appliance, type LoadOptions } from '../appliance/appliance.ts';
import type { Hole } from '../kernel/appliance.ts';
import { parseDir } from './options.ts';
import { isAppliance } from '../appliance/read.ts';
import { parsePublicKey } from '../appliance/sign.ts';
import type { KernelHost } from '../kernel/kernel.ts';
import { appliancePath, DiskPrograms } from './cache.ts';
import { checkManifest } from './manifest.ts';
import { nodeCodecs } from './codecs.ts';
import { ROOTFS_BIN } from './rootfs.ts';
import { HostFs } from './hostfs.ts';

// node:fs/promises would load readline and the streams into every start
const readFile = (path: string) => new Promise<Uint8Array>((ok, no) => readFileCb(path, (e, b) => e ? no(e) : ok(new Uint8Array(b.buffer, b.byteOffset, b.length))));

async function readOrNull(path: string): Promise<Uint8Array | null> {
  try { return await readFile(path); } catch { return null; }
}

/** A base by digest: the cache's copy, else the file at the path recorded, beside the appliance. */
export async function findBase(digest: string, hint: string | null, from: string | null): Promise<Uint8Array | null> {
  const kept = await readOrNull(appliancePath(digest));
  if (kept) return kept;
  if (!hint) return null;
  return readOrNull(resolve(from && !from.startsWith('sha256:') ? dirname(from) : '.', hint));
}

export const nodeLoadOptions: Pick<LoadOptions, 'findBase' | 'checkManifest' | 'codecs'> = { findBase, checkManifest, codecs: nodeCodecs };

/** What a Kernel on Node adds for appliances. */
export function applianceHost(): Pick<KernelHost, 'readFile' | 'appliances' | 'programs' | 'bin' | 'codecs'> {
  let bin: HostFs | null = null;
  return {
    readFile,
    appliances: nodeLoadOptions,
    codecs: nodeCodecs,
    programs: new DiskPrograms(),
    bin: () => (bin ??= new HostFs(ROOTFS_BIN, true)),
  };
}

/** --trust FILE: the public keys (PEM, base64 or hex) an appliance must be signed by. */
export function trustedKeys(files: string[]): Uint8Array[] {
  return files.map(f => {
    try { return parsePublicKey(readFileSync(f, 'utf8')); } catch (e) { throw new Error(`--trust ${f}: ${(e as Error).message.replace(/^ENOENT: /, '')}`); }
  });
}

/** Whether a path names an appliance rather than a module (by its name, then its magic). */
export function looksLikeAppliance(path: string): boolean {
  if (path.endsWith('.gob')) return true;
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = new Uint8Array(8);
    return readSync(fd, head, 0, 8, 0) === 8 && isAppliance(head);
  } catch { return false; } finally { if (fd !== null) closeSync(fd); }
}

/**
 * The holes the flags fill: `--mount-hole NAME=HOST[:ro]`, and `--dir HOST::GUEST`
 * where GUEST is a hole's path (that --dir then fills the hole instead). Unknown
 * names and required holes left empty are errors, before anything runs.
 */
export function fillHoles(app: Appliance, given: string[], dirs: string[]): { holes: Record<string, Hole>; dirs: string[] } {
  const holes: Record<string, Hole> = {};
  const known = app.holes();
  for (const g of given) {
    const m = /^([^=]+)=(.+?)(:ro)?$/.exec(g);
    if (!m) throw new Error(`--mount-hole ${g}: expected NAME=HOST or NAME=HOST:ro`);
    if (!known.some(([n]) => n === m[1])) throw new Error(`--mount-hole ${g}: ${app.manifest.name} has no mount hole ${m[1]} (${known.map(([n]) => n).join(', ') || 'it has none'})`);
    holes[m[1]!] = { path: resolve(m[2]!), readonly: !!m[3] };
  }
  const rest: string[] = [];
  for (const d of dirs) {
    const spec = parseDir(d);
    const hole = known.find(([, h]) => h.path === spec.guest);
    if (hole && !holes[hole[0]]) holes[hole[0]] = { path: spec.host, readonly: spec.readonly };
    else rest.push(d);
  }
  for (const [name, h] of known) {
    if (h.required && !holes[name]) throw new Error(`${app.manifest.name} needs mount hole ${name} at ${h.path}${h.description ? ` (${h.description})` : ''}: give --mount-hole ${name}=HOST${h.readonly ? '' : '[:ro]'}`);
  }
  return { holes, dirs: rest };
}

/** An appliance, loaded and verified, or one line and exit 126. */
export async function loadOrDie(path: string, trust: string[]): Promise<Appliance> {
  let keys: Uint8Array[] | undefined;
  try { keys = trust.length ? trustedKeys(trust) : undefined; } catch (e) { die((e as Error).message, 2); }
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(readFileSync(path)); } catch (e) { die((e as Error).message.replace(/^ENOENT: /, ''), 2); }
  try { return await Appliance.load(bytes, { ...nodeLoadOptions, source: path, trust: keys }); } catch (e) { die(`${path}: ${(e as Error).message}`, 126); }
}


function die(msg: string, code: number): never {
  process.stderr.write(`goblin: ${msg}\n`);
  process.exit(code);
}
