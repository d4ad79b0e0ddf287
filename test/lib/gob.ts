// Taking a .gob apart and putting it back for tests that damage one on purpose:
// where its index, blobs, digest and signature lie, and the digest made again
// after an edit so that only the part under test is wrong.
import { createHash } from 'node:crypto';

export interface GobLayout {
  indexLen: number;
  /** where the blobs start */
  blobs: number;
  /** where the digest starts */
  digest: number;
  signed: boolean;
  index: { files: { path: string; type: string; offset?: number; stored?: number; encoding?: string }[] };
}

export function layout(b: Uint8Array): GobLayout {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const indexLen = view.getUint32(12, true);
  const index = JSON.parse(new TextDecoder().decode(b.subarray(16, 16 + indexLen))) as GobLayout['index'];
  const blobs = 16 + indexLen;
  const stored = index.files.reduce((n, e) => n + (e.stored ?? 0), 0);
  const digest = blobs + stored;
  return { indexLen, blobs, digest, signed: b.length === digest + 32 + 100, index };
}

/** Where a file's stored bytes start. */
export function blobAt(b: Uint8Array, path: string): number {
  const l = layout(b);
  const e = l.index.files.find(f => f.path === path);
  if (!e || e.offset === undefined) throw new Error(`${path} is not a file of the appliance`);
  return l.blobs + e.offset;
}

/** A copy with byte `at` flipped. */
export function flip(b: Uint8Array, at: number): Uint8Array {
  const c = new Uint8Array(b);
  c[at] = c[at]! ^ 0xff;
  return c;
}

/** The digest made again over everything before it (a signature after it is kept as it is). */
export function redigest(b: Uint8Array, digestAt: number): Uint8Array {
  const c = new Uint8Array(b);
  c.set(createHash('sha256').update(c.subarray(0, digestAt)).digest(), digestAt);
  return c;
}
