// Writing an appliance: the same inputs, the same bytes. Entries are sorted by
// path, modes reduced to 0o755 or 0o644, and nothing else of the host is taken;
// compression (deflate-raw, given by the caller) is kept only where it pays,
// judged by a quick deflate of the blob's first 64 KiB, so the choice is as
// repeatable as the bytes and costs little on data that does not compress.
import {
  byPath, canonicalJson, DIGEST_BYTES, FORMAT_VERSION, HEADER_BYTES, hex, MAGIC, sha256, SIGNATURE_BYTES, SIGNATURE_TAG, webCodecs,
  type BaseRef, type Codecs, type Entry, type Manifest,
} from './format.ts';
import { signedMessage } from './sign.ts';

export interface PackInput {
  manifest: Manifest;
  base: BaseRef | null;
  dirs: { path: string; mode: number }[];
  files: { path: string; mode: number; data: Uint8Array }[];
}

export interface PackOptions {
  /** hashing, and raw deflate (RFC 1951): without codecs.deflate every blob is stored as it is */
  codecs?: Codecs;
  /** an Ed25519 signer of the message it is given */
  sign?: (message: Uint8Array) => Promise<{ publicKey: Uint8Array; signature: Uint8Array }>;
  /** called as bytes are packed */
  progress?: (done: number, total: number) => void;
}

const SAMPLE = 64 << 10;
/** compressed to less than this share of the sample, a blob is stored compressed */
const WORTH = 0.9;

export const normalMode = (mode: number, dir: boolean): number => (dir || mode & 0o111 ? 0o755 : 0o644);

export async function pack(input: PackInput, o: PackOptions = {}): Promise<Uint8Array> {
  const codecs = o.codecs ?? webCodecs;
  const compress = codecs.deflate?.bind(codecs);
  const files = [...input.files].sort(byPath);
  const total = files.reduce((n, f) => n + f.data.length, 0);
  const entries: Entry[] = input.dirs.map(d => ({ path: d.path, type: 'dir' as const, mode: normalMode(d.mode, true) }));
  const blobs: Uint8Array[] = [];
  let offset = 0, done = 0;
  for (const f of files) {
    let stored = f.data, encoding: 'raw' | 'deflate-raw' = 'raw';
    if (compress && f.data.length >= 64) {
      const sample = f.data.length > SAMPLE ? compress(f.data.subarray(0, SAMPLE), true) : null;
      if (!sample || sample.length < WORTH * SAMPLE) {
        const z = compress(f.data);
        if (z.length < WORTH * f.data.length) { stored = z; encoding = 'deflate-raw'; }
      }
    }
    entries.push({
      path: f.path, type: 'file', mode: normalMode(f.mode, false), size: f.data.length,
      sha256: hex(await sha256(f.data, codecs)), offset, stored: stored.length, encoding,
    });
    blobs.push(stored);
    offset += stored.length;
    o.progress?.(done += f.data.length, total);
  }
  entries.sort(byPath);
  const index = new TextEncoder().encode(canonicalJson({ format: FORMAT_VERSION, manifest: input.manifest, base: input.base, files: entries }));
  // one buffer, written once: copying 100 MiB costs as much as hashing it
  const end = HEADER_BYTES + index.length + offset;
  const out = new Uint8Array(end + DIGEST_BYTES + (o.sign ? SIGNATURE_BYTES : 0));
  out.set(MAGIC);
  const view = new DataView(out.buffer);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, index.length, true);
  out.set(index, HEADER_BYTES);
  let at = HEADER_BYTES + index.length;
  for (const b of blobs) { out.set(b, at); at += b.length; }
  const digest = await sha256(out.subarray(0, end), codecs);
  out.set(digest, end);
  if (o.sign) {
    const sig = await o.sign(signedMessage(digest));
    out.set(SIGNATURE_TAG, end + DIGEST_BYTES);
    out.set(sig.publicKey, end + DIGEST_BYTES + 4);
    out.set(sig.signature, end + DIGEST_BYTES + 36);
  }
  return out;
}
