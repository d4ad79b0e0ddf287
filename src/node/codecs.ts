// Hashing and compression for appliances on Node: createHash and zlib, which
// start at once and run several times faster than Web Crypto's digest here.
// Packing deflates at level 9 with Node's bundled zlib, so one Node version
// packs the same bytes on every host.
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Codecs } from '../appliance/format.ts';

export const nodeCodecs: Codecs = {
  sha256: b => new Uint8Array(createHash('sha256').update(b).digest()),
  inflate: (b, size) => {
    const out = inflateRawSync(b, { maxOutputLength: Math.max(size, 1) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  deflate: (b, quick) => {
    const out = deflateRawSync(b, quick ? { level: 1 } : { level: 9, memLevel: 9 });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
};
