// `goblin inspect APP.gob [--json]` and `goblin inspect --diff A.gob B.gob`.
// Inspecting verifies: the whole file, every blob, the base chain. What is wrong is
// one line on stderr and exit 126, as goblin run says it.
import { readFileSync } from 'node:fs';
import { Appliance } from '../appliance/appliance.ts';
import { canonicalJson, hex, type Entry } from '../appliance/format.ts';
import { nodeLoadOptions, trustedKeys } from './appliance.ts';

async function open(path: string, trust?: Uint8Array[]): Promise<Appliance> {
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(readFileSync(path)); } catch (e) {
    process.stderr.write(`goblin: inspect: ${(e as Error).message.replace(/^ENOENT: /, '')}\n`);
    process.exit(2);
  }
  try { return await Appliance.load(bytes, { ...nodeLoadOptions, source: path, trust }); } catch (e) {
    process.stderr.write(`goblin: ${path}: ${(e as Error).message}\n`);
    process.exit(126);
  }
}

const files = (a: Appliance): Entry[] => a.unpacked.index.files;

function describe(a: Appliance, path: string) {
  return {
    path,
    digest: a.digest,
    verified: true,
    bytes: a.unpacked.bytes,
    signer: a.signer ? hex(a.signer) : null,
    manifest: a.manifest,
    base: a.chain().slice(1).map(b => ({ name: b.manifest.name, version: b.manifest.version, digest: b.digest })),
    files: files(a).map(e => (e.type === 'dir'
      ? { path: e.path, type: e.type, mode: e.mode }
      : { path: e.path, type: e.type, mode: e.mode, size: e.size, sha256: e.sha256, stored: e.stored, encoding: e.encoding })),
  };
}

function print(d: ReturnType<typeof describe>): void {
  const out: string[] = [];
  out.push(`appliance ${d.path}`);
  out.push(`digest    ${d.digest}`);
  out.push(`name      ${d.manifest.name} ${d.manifest.version}`);
  out.push(`entry     ${d.manifest.entry}`);
  out.push(`verified  yes: ${d.bytes} bytes, ${d.files.filter(f => f.type === 'file').length} files, every blob against its SHA-256${d.base.length ? ', and the base chain' : ''}`);
  out.push(`signed    ${d.signer ? `by Ed25519 key ${d.signer} (goblin run --trust checks it)` : 'no'}`);
  out.push(`base      ${d.base.length ? d.base.map(b => `${b.name} ${b.version} ${b.digest}`).join(' <- ') : 'none'}`);
  out.push('manifest');
  for (const line of JSON.stringify(d.manifest, null, 2).split('\n')) out.push(`  ${line}`);
  out.push('files');
  for (const f of d.files) {
    out.push(f.type === 'dir'
      ? `  ${'dir'.padStart(10)}  ${mode(f.mode)}  ${' '.repeat(64)}  ${f.path}/`
      : `  ${String(f.size).padStart(10)}  ${mode(f.mode)}  ${f.sha256}  ${f.path}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

const mode = (m: number): string => m.toString(8).padStart(4, '0');

/** What differs between two appliances: manifest fields, files, base; exit 1 when anything does. */
function diff(a: Appliance, b: Appliance): string[] {
  const out: string[] = [];
  if (a.digest === b.digest) return out;
  const ma = a.manifest as unknown as Record<string, unknown>, mb = b.manifest as unknown as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(ma), ...Object.keys(mb)])].sort()) {
    const x = ma[k] === undefined ? undefined : canonicalJson(ma[k]), y = mb[k] === undefined ? undefined : canonicalJson(mb[k]);
    if (x !== y) out.push(`manifest.${k}: ${x ?? '(none)'} -> ${y ?? '(none)'}`);
  }
  const ba = a.base?.digest ?? 'none', bb = b.base?.digest ?? 'none';
  if (ba !== bb) out.push(`base: ${ba} -> ${bb}`);
  const fa = new Map(files(a).map(e => [e.path, e])), fb = new Map(files(b).map(e => [e.path, e]));
  for (const p of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
    const x = fa.get(p), y = fb.get(p);
    const size = (e: Entry) => (e.type === 'file' ? `${e.size} bytes` : 'dir');
    if (!x) out.push(`+ ${p} (${size(y!)})`);
    else if (!y) out.push(`- ${p} (${size(x)})`);
    else if (x.type !== y.type) out.push(`~ ${p} (${size(x)} -> ${size(y)})`);
    else if (x.type === 'file' && y.type === 'file' && (x.sha256 !== y.sha256 || x.mode !== y.mode)) {
      out.push(`~ ${p} (${x.sha256 !== y.sha256 ? `${x.size} -> ${y.size} bytes, content` : ''}${x.sha256 !== y.sha256 && x.mode !== y.mode ? ', ' : ''}${x.mode !== y.mode ? `mode ${mode(x.mode)} -> ${mode(y.mode)}` : ''})`);
    } else if (x.mode !== y.mode) out.push(`~ ${p}/ (mode ${mode(x.mode)} -> ${mode(y.mode)})`);
  }
  return out;
}

/** `goblin inspect APP.gob [--json]`, `goblin inspect --diff A.gob B.gob` (exit 1 when they differ). */
export async function inspectCommand(apps: string[], o: { json?: boolean; diff?: boolean; trust: string[] }): Promise<void> {
  let trust: Uint8Array[] | undefined;
  try { trust = o.trust.length ? trustedKeys(o.trust) : undefined; } catch (e) { process.stderr.write(`goblin: ${(e as Error).message}\n`); process.exit(2); }
  if (o.diff ? apps.length !== 2 : apps.length !== 1) {
    process.stderr.write(`goblin: inspect: ${o.diff ? '--diff takes two appliances' : 'one appliance at a time (--diff compares two)'}\n`);
    process.exit(2);
  }
  if (o.diff) {
    const [a, b] = [await open(apps[0]!, trust), await open(apps[1]!, trust)];
    const lines = diff(a, b);
    if (o.json) process.stdout.write(JSON.stringify({ same: lines.length === 0, differences: lines }, null, 2) + '\n');
    else process.stdout.write(lines.length ? lines.join('\n') + '\n' : '');
    process.exit(lines.length ? 1 : 0);
  }
  const d = describe(await open(apps[0]!, trust), apps[0]!);
  if (o.json) process.stdout.write(JSON.stringify(d, null, 2) + '\n');
  else print(d);
}
