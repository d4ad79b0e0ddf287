// An appliance: one verified .gob file and the bases it stands on. Loading reads
// and checks the whole chain (each base found by the digest its child recorded);
// after that nothing waits: the image is in memory and its file server answers at once.
import { ImageFs } from './image.ts';
import type { Manifest, MountHole } from './format.ts';
import { BadAppliance, unpack, type ReadOptions, type Unpacked } from './read.ts';

/** How a loader finds a base by its digest (and the path recorded when it was packed). */
export type FindBase = (digest: string, hint: string | null, from: string | null) => Promise<Uint8Array | null>;

export interface LoadOptions extends ReadOptions {
  findBase?: FindBase;
  /** checks a manifest against the schema; answers the problems, each naming its field */
  checkManifest?: (m: unknown) => string[];
  /** where the file came from, for messages and for finding bases beside it */
  source?: string;
}

/** The deepest base chain followed: a cycle of digests cannot be made, but a long chain can. */
const MAX_BASES = 16;

export class Appliance {
  readonly digest: string;
  readonly manifest: Manifest;
  readonly base: Appliance | null;
  /** the signer's raw public key, if signed */
  readonly signer: Uint8Array | null;
  readonly source: string | null;
  readonly unpacked: Unpacked;
  private image: ImageFs | null = null;

  private constructor(u: Unpacked, base: Appliance | null, source: string | null) {
    this.unpacked = u;
    this.digest = u.digest;
    this.manifest = u.index.manifest;
    this.base = base;
    this.signer = u.signer;
    this.source = source;
  }

  static async load(bytes: Uint8Array, o: LoadOptions = {}, depth = 0): Promise<Appliance> {
    const u = await unpack(bytes, o);
    const problems = o.checkManifest?.(u.index.manifest) ?? [];
    if (problems.length) throw new BadAppliance(`manifest: ${problems[0]}`);
    const ref = u.index.base;
    let base: Appliance | null = null;
    if (ref) {
      if (depth >= MAX_BASES) throw new BadAppliance(`more than ${MAX_BASES} bases`);
      const found = await o.findBase?.(ref.digest, ref.hint, o.source ?? null);
      if (!found) throw new BadAppliance(`base ${ref.digest}${ref.hint ? ` (${ref.hint})` : ''} not found`);
      // the base's identity is pinned by this file's index; its own signature is not needed
      base = await Appliance.load(found, { ...o, trust: undefined, source: ref.hint ? beside(o.source, ref.hint) : ref.digest }, depth + 1);
      if (base.digest !== ref.digest) throw new BadAppliance(`base ${ref.hint ?? ''} is ${base.digest}, not the ${ref.digest} this appliance was packed on`);
    }
    const app = new Appliance(u, base, o.source ?? null);
    if (!app.fs().read(app.manifest.entry)) throw new BadAppliance(`entry ${app.manifest.entry} is not a file of the image`);
    for (const [route, to] of Object.entries(app.manifest.routes ?? {})) {
      const entry = typeof to === 'string' ? to : to.entry;
      if (!app.fs().read(entry)) throw new BadAppliance(`routes.${route}: ${entry} is not a file of the image`);
    }
    return app;
  }

  /** This appliance and its bases, top first. */
  chain(): Appliance[] {
    const all: Appliance[] = [];
    for (let a: Appliance | null = this; a; a = a.base) all.push(a);
    return all;
  }

  /** The merged image: this one's files over its bases'. */
  fs(): ImageFs {
    return this.image ??= new ImageFs(this.manifest.name, this.chain().map(a => {
      const { index, contents } = a.unpacked;
      return {
        dirs: index.files.filter(e => e.type === 'dir'),
        files: index.files.flatMap(e => (e.type === 'file' ? [{ path: e.path, mode: e.mode, data: contents.get(e.path)! }] : [])),
      };
    }));
  }

  /** The entry program's bytes (or another program's of the image: a route's). */
  entry(path = this.manifest.entry): Uint8Array {
    const b = this.fs().read(path);
    if (!b) throw new BadAppliance(`${path} is not a file of the image`);
    return b;
  }

  /** The SHA-256 of the entry's content, from the layer that holds it. */
  entryDigest(path = this.manifest.entry): string {
    for (const a of this.chain()) {
      const e = a.unpacked.index.files.find(e => e.path === path);
      if (e && e.type === 'file') return e.sha256;
    }
    return '';
  }

  /** The named holes of the namespace, from the manifest. */
  holes(): [string, MountHole][] { return Object.entries(this.manifest.mounts ?? {}); }
}

/** A path relative to the file at `from`, as a path (no host path library in the core). */
function beside(from: string | undefined, rel: string): string {
  return from && from.includes('/') && !rel.startsWith('/') ? from.slice(0, from.lastIndexOf('/') + 1) + rel : rel;
}
