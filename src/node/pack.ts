// `goblin pack [DIR | goblin.json] [-o APP.gob] [--sign KEY]` and `goblin keygen`.
// Packing reads the manifest, checks it against the schema, gathers the files it
// names (a directory brings its whole tree, in sorted order; a symlink is followed
// only while it stays inside the tree it is found in), finds its base, and writes
// the appliance whole or not at all. The same inputs give the same bytes.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as edSign } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Appliance } from '../appliance/appliance.ts';
import type { BaseRef, Manifest } from '../appliance/format.ts';
import { pack } from '../appliance/write.ts';
import { cleanName } from '../ns/walk.ts';
import { cacheDir, keepAppliance, writeAtomic } from './cache.ts';
import { nodeLoadOptions } from './appliance.ts';
import { checkManifest } from './manifest.ts';
import { nodeCodecs } from './codecs.ts';

class PackError extends Error {}
const no = (msg: string): never => { throw new PackError(msg); };

interface Gathered { dirs: { path: string; mode: number }[]; files: { path: string; mode: number; data: Uint8Array }[] }

/** The image's entries from the manifest's `files`: guest path → host path relative to the manifest. */
function gather(files: Record<string, string>, from: string): Gathered {
  const out: Gathered = { dirs: [], files: [] };
  const seen = new Set<string>();
  const add = (guest: string, host: string, tree: string | null) => {
    if (seen.has(guest)) no(`files: ${guest} is given twice`);
    seen.add(guest);
    let real: string;
    try { real = realpathSync(host); } catch { return no(`files: ${guest}: ${host} does not exist`); }
    // inside a directory given whole, a symlink may not lead out of it
    if (tree && real !== tree && !real.startsWith(tree + sep)) no(`files: ${guest}: ${host} is a symlink leading out of ${tree}`);
    const st = statSync(real);
    if (st.isDirectory()) {
      out.dirs.push({ path: guest, mode: st.mode });
      for (const name of readdirSync(real).sort()) add(guest === '/' ? `/${name}` : `${guest}/${name}`, join(host, name), tree ?? real);
    } else if (st.isFile()) {
      out.files.push({ path: guest, mode: st.mode, data: new Uint8Array(readFileSync(real)) });
    } else no(`files: ${guest}: ${host} is neither a file nor a directory`);
  };
  for (const guest of Object.keys(files).sort()) {
    if (cleanName(guest) !== guest) no(`files: ${guest}: not a clean absolute path`);
    add(guest, resolve(from, files[guest]!), null);
  }
  // parents of what was given, as directories
  const dirs = new Set(out.dirs.map(d => d.path));
  for (const p of [...out.files, ...out.dirs].map(e => e.path)) {
    for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
      const parent = p.slice(0, i);
      if (out.files.some(f => f.path === parent)) no(`files: ${p} is inside ${parent}, which is a file`);
      if (!dirs.has(parent)) { dirs.add(parent); out.dirs.push({ path: parent, mode: 0o755 }); }
    }
  }
  out.dirs = out.dirs.filter(d => d.path !== '/');
  return out;
}

export interface PackFlags { output?: string; sign?: string }

/** Packs the manifest at (or in) `at`; answers the output path and the appliance's digest. */
/** How deep bases given as directories are packed, one inside another. */
const MAX_DEPTH = 16;

export async function packManifest(at: string, o: PackFlags, progress?: (done: number, total: number) => void, depth = 0): Promise<{ path: string; digest: string; bytes: number }> {
  const manifestPath = existsSync(at) && statSync(at).isDirectory() ? join(at, 'goblin.json') : at;
  const dir = dirname(resolve(manifestPath));
  let text: string;
  try { text = readFileSync(manifestPath, 'utf8'); } catch { return no(`${manifestPath}: no manifest there`); }
  let manifest: Manifest;
  try { manifest = JSON.parse(text) as Manifest; } catch (e) { return no(`${manifestPath}: not JSON: ${(e as Error).message}`); }
  const problems = checkManifest(manifest);
  if (problems.length) no(`${manifestPath}: ${problems.join('; ')}`);
  const out = resolve(o.output ?? `${manifest.name}.gob`);
  const image = gather(manifest.files ?? {}, dir);
  let base: BaseRef | null = null, baseApp: Appliance | null = null;
  if (manifest.base) {
    let bytes: Uint8Array, source: string, built = false;
    if (/^sha256:[0-9a-f]{64}$/.test(manifest.base)) {
      const found = await nodeLoadOptions.findBase!(manifest.base, null, null);
      if (!found) no(`base ${manifest.base} is not in the cache`);
      bytes = found!; source = manifest.base;
    } else {
      source = resolve(dir, manifest.base);
      if (depth >= MAX_DEPTH) no(`base ${manifest.base}: bases nest more than ${MAX_DEPTH} deep`);
      // an app's directory (or its goblin.json) as the base: packed first, into the cache, where runs find it
      if (existsSync(source) && (statSync(source).isDirectory() || source.endsWith('.json'))) {
        mkdirSync(join(cacheDir(), 'build'), { recursive: true, mode: 0o700 });
        const made = await packManifest(source, { output: join(cacheDir(), 'build', `${process.pid}-${depth}.gob`) }, undefined, depth + 1);
        bytes = new Uint8Array(readFileSync(made.path));
        rmSync(made.path);
        built = true;
      } else {
        try { bytes = new Uint8Array(readFileSync(source)); } catch { return no(`base: ${manifest.base}: no such file`); }
      }
    }
    try { baseApp = await Appliance.load(bytes, { ...nodeLoadOptions, source }); } catch (e) { return no(`base ${manifest.base}: ${(e as Error).message}`); }
    // found later by digest in the cache, or at this path beside the appliance
    keepAppliance(baseApp.digest, bytes);
    // a base from the cache is found there by digest: no path of this host is recorded
    const cached = built || source.startsWith('sha256:');
    base = { digest: baseApp.digest, hint: cached ? null : relative(dirname(out), source).split(sep).join('/') };
  }
  const entryHere = image.files.some(f => f.path === manifest.entry);
  if (!entryHere && !baseApp?.fs().read(manifest.entry)) no(`entry ${manifest.entry} is not a file of the image${baseApp ? ' or its base' : ''}`);
  const bytes = await pack({ manifest, base, ...image }, {
    codecs: nodeCodecs,
    sign: o.sign ? signer(o.sign) : undefined,
    progress,
  });
  writeAtomic(out, bytes);
  const app = await Appliance.load(bytes, { ...nodeLoadOptions, source: out });
  return { path: out, digest: app.digest, bytes: bytes.length };
}

function signer(keyFile: string) {
  let key: ReturnType<typeof createPrivateKey>;
  try { key = createPrivateKey(readFileSync(keyFile)); } catch (e) { return no(`--sign ${keyFile}: not a private key (${(e as Error).message.replace(/^ENOENT: /, '')})`); }
  if (key.asymmetricKeyType !== 'ed25519') no(`--sign ${keyFile}: an Ed25519 key is needed (goblin keygen makes one)`);
  const publicKey = new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' })).slice(12);
  return async (message: Uint8Array) => ({ publicKey, signature: new Uint8Array(edSign(null, message, key)) });
}

/** A progress line on a terminal for large packs; nothing on a pipe. */
function progressLine(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (done, total) => {
    if (total < 16 << 20) return;
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    process.stderr.write(`\rpacking ${(done / 2 ** 20).toFixed(1)} of ${(total / 2 ** 20).toFixed(1)} MiB${done >= total ? '\n' : ''}`);
  };
}

/** `goblin pack`: prints the file written, its digest and size. */
export async function packCommand(at: string, o: PackFlags): Promise<void> {
  try {
    const r = await packManifest(at, o, progressLine());
    process.stdout.write(`${relative('.', r.path) || basename(r.path)} ${r.digest} ${r.bytes} bytes\n`);
  } catch (e) {
    process.stderr.write(`goblin: pack: ${(e as Error).message}\n`);
    process.exit(e instanceof PackError ? 2 : 1);
  }
}

/** `goblin keygen NAME`: NAME.key (PKCS#8, private) and NAME.pub (SPKI), never over an existing key. */
export function keygenCommand(name: string): void {
  if (existsSync(`${name}.key`)) { process.stderr.write(`goblin: keygen: ${name}.key exists; not overwritten\n`); process.exit(2); }
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(`${name}.key`, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  writeFileSync(`${name}.pub`, publicKey.export({ format: 'pem', type: 'spki' }));
  process.stdout.write(`${name}.key (keep it secret) and ${name}.pub (give it to goblin run --trust)\n`);
}
