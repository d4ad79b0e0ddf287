// The appliance file format (.gob), version 1. One file, read from bytes alone:
//
//   magic     8 bytes   89 'G' 'O' 'B' 'L' 'I' 'N' 0a   (the high byte and the newline catch text-mode copies)
//   version   u32 LE    1
//   indexLen  u32 LE    bytes of the index that follows
//   index     JSON      { format, manifest, base, files }, keys sorted, no spaces
//   blobs               each file's stored bytes, in the index's order, back to back
//   digest    32 bytes  SHA-256 of every byte before it: the appliance's identity
//   signature optional  'ED25' + 32-byte Ed25519 public key + 64-byte signature
//                       of SIGNED_PREFIX + the digest in hex
//
// The index lists every directory and file of the image by absolute path, sorted
// by path; a file names its size, the SHA-256 of its content, where its stored
// bytes are (offset from the start of the blobs) and how they are stored ('raw',
// or 'deflate-raw', which DecompressionStream reads in Node and browsers alike).
// Nothing that varies between hosts is recorded: no times, owners or directory
// order; modes are 0o755 or 0o644.

export const MAGIC = new Uint8Array([0x89, 0x47, 0x4f, 0x42, 0x4c, 0x49, 0x4e, 0x0a]);
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 16;
export const DIGEST_BYTES = 32;
export const SIGNATURE_TAG = new Uint8Array([0x45, 0x44, 0x32, 0x35]); // 'ED25'
export const SIGNATURE_BYTES = 4 + 32 + 64;
export const SIGNED_PREFIX = 'goblin-appliance-v1:';

/** The most an index may hold: a hostile header cannot make the reader allocate more. */
export const MAX_INDEX_BYTES = 64 << 20;
export const MAX_PATH = 4096;

export type Encoding = 'raw' | 'deflate-raw';

export interface FileEntry {
  path: string;
  type: 'file';
  mode: number;
  size: number;
  /** SHA-256 of the content, hex */
  sha256: string;
  /** where the stored bytes start, from the start of the blobs */
  offset: number;
  /** stored bytes (the compressed size when encoded) */
  stored: number;
  encoding: Encoding;
}

export interface DirEntry { path: string; type: 'dir'; mode: number }

export type Entry = FileEntry | DirEntry;

/** A base appliance: its digest, and where it was found when packed (relative to this file). */
export interface BaseRef { digest: string; hint: string | null }

export interface Index {
  format: number;
  manifest: Manifest;
  base: BaseRef | null;
  files: Entry[];
}

/** A named hole in the namespace, filled at run time with a host tree or a file server. */
export interface MountHole {
  path: string;
  required?: boolean;
  readonly?: boolean;
  description?: string;
}

/** goblin.json, as its schema (schema/goblin.schema.json) describes it. */
export interface Manifest {
  name: string;
  version: string;
  /** the wasm program that runs, a path inside the image (or a base's) */
  entry: string;
  /** the arguments after argv[0], which is the entry's file name */
  args?: string[];
  env?: Record<string, string>;
  /** namespace(6) lines applied after the standard ones */
  namespace?: string | string[];
  limits?: { memory?: string | number; fuel?: number; timeout?: string | number };
  deterministic?: boolean;
  seed?: number;
  /** guest path → host path relative to the manifest (pack time only) */
  files?: Record<string, string>;
  mounts?: Record<string, MountHole>;
  /** another appliance: a path relative to the manifest, or sha256:HEX */
  base?: string;
  /** for goblin serve: a route (`/path`, or `/path/...` for a subtree) → the program answering it, a path in the image, with its own args if given */
  routes?: Record<string, string | { entry: string; args?: string[] }>;
}

/** JSON with object keys sorted at every depth and no spaces: the same value, the same bytes. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter(k => o[k] !== undefined).sort().map(k => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export const hex = (b: Uint8Array): string => Array.from(b, x => x.toString(16).padStart(2, '0')).join('');

/**
 * Hashing and (de)compression, given by the host: Web Crypto and the Compression
 * Streams API by default (a browser's, or Node's), or faster native ones (Node's
 * createHash and zlib are several times quicker to start and to run).
 */
export interface Codecs {
  sha256(b: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** inflates raw deflate to at most `size` bytes (more is an error) */
  inflate(b: Uint8Array, size: number): Uint8Array | Promise<Uint8Array>;
  /** raw deflate, at the best level, or quickly (for judging whether a blob compresses); none: blobs are stored as they are */
  deflate?(b: Uint8Array, quick?: boolean): Uint8Array;
}

export const webCodecs: Codecs = {
  sha256: async b => new Uint8Array(await crypto.subtle.digest('SHA-256', b as BufferSource)),
  async inflate(b, size) {
    const out = new Uint8Array(size);
    let n = 0;
    const stream = new Blob([b as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      if (n + chunk.length > size) throw new Error('inflates past its size');
      out.set(chunk, n);
      n += chunk.length;
    }
    return n === size ? out : out.subarray(0, n);
  },
};

export const sha256 = (b: Uint8Array, c: Codecs = webCodecs): Promise<Uint8Array> => Promise.resolve(c.sha256(b));

/** Sorts paths as bytes compare, the order the index keeps (not the locale's). */
export const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
