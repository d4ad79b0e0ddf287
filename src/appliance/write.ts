// Writing an appliance: the same inputs, the same bytes. Entries are sorted by
// path, modes reduced to 0o755 or 0o644, and nothing else of the host is taken;
// compression (deflate-raw, given by the caller) is kept only where it pays,
// judged on the blob's first 64 KiB so the choice is as repeatable as the bytes.
import {
  byPath, canonicalJson, DIGEST_BYTES, FORMAT_VERSION, HEADER_BYTES, hex, MAGIC, sha256, SIGNATURE_TAG, webCodecs,
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
      const sample = f.data.length > SAMPLE ? compress(f.data.subarray(0, SAMPLE)) : null;
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
  const body = new Uint8Array(HEADER_BYTES + index.length + offset);
  body.set(MAGIC);
  const view = new DataView(body.buffer);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, index.length, true);
  body.set(index, HEADER_BYTES);
  let at = HEADER_BYTES + index.length;
  for (const b of blobs) { body.set(b, at); at += b.length; }
  const digest = await sha256(body, codecs);
  const sig = o.sign ? await o.sign(signedMessage(digest)) : null;
  const out = new Uint8Array(body.length + DIGEST_BYTES + (sig ? 100 : 0));
  out.set(body);
  out.set(digest, body.length);
  if (sig) {
    out.set(SIGNATURE_TAG, body.length + DIGEST_BYTES);
    out.set(sig.publicKey, body.length + DIGEST_BYTES + 4);
    out.set(sig.signature, body.length + DIGEST_BYTES + 36);
  }
  return out;
}
