// Hashing and compression for appliances on Node: createHash and zlib, which
// start at once and run several times faster than Web Crypto's digest here.
// zlib is loaded at its first use (a run whose blobs are stored raw never loads
// it). Packing deflates at level 9 with Node's bundled zlib, so one Node version
// packs the same bytes on every host.
import { createHash } from 'node:crypto';
import type * as Zlib from 'node:zlib';
import type { Codecs } from '../appliance/format.ts';

let zlib: typeof Zlib | null = null;
const z = (): typeof Zlib => (zlib ??= process.getBuiltinModule('node:zlib'));
const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export const nodeCodecs: Codecs = {
  sha256: b => bytes(createHash('sha256').update(b).digest()),
  inflate: (b, size) => bytes(z().inflateRawSync(b, { maxOutputLength: Math.max(size, 1) })),
  deflate: (b, quick) => bytes(z().deflateRawSync(b, quick ? { level: 1 } : { level: 9, memLevel: 9 })),
};
