// Reading an appliance: every check before anything is used. The header and the
// index are parsed first, since the index says where the digest lies (a byte of
// the index broken so that it is no longer JSON fails here, as not JSON); then
// the whole file's digest (a truncated, corrupted or edited file fails here),
// then the signature when a trusted key is asked for, then each blob against its
// own SHA-256 as it is unpacked. Any failure is one BadAppliance
// with a line that says what is wrong; nothing of a bad file is ever returned.
import { GoblinError } from '../error.ts';
import {
  byPath, DIGEST_BYTES, FORMAT_VERSION, HEADER_BYTES, hex, MAGIC, MAX_INDEX_BYTES, MAX_PATH, sha256,
  SIGNATURE_BYTES, SIGNATURE_TAG, webCodecs, type Codecs, type Entry, type FileEntry, type Index,
} from './format.ts';
import { verifySignature } from './sign.ts';

/** A file that is not a sound appliance; its message is the one line to show. */
export class BadAppliance extends GoblinError {
  constructor(message: string) { super('ENOEXEC', message); }
}

const bad = (msg: string): never => { throw new BadAppliance(msg); };

/** An appliance file taken apart and verified: its index, and each file's content. */
export interface Unpacked {
  /** 'sha256:HEX' of everything before the digest */
  digest: string;
  index: Index;
  /** path → content, for each file entry */
  contents: Map<string, Uint8Array>;
  /** the signer's raw Ed25519 public key, when the file is signed (checked only against a trusted key) */
  signer: Uint8Array | null;
  /** bytes of the whole file */
  bytes: number;
}

export interface ReadOptions {
  /** hashing and inflating (default Web Crypto and DecompressionStream) */
  codecs?: Codecs;
  /** raw Ed25519 public keys any of which must have signed it (none: a signature is not required) */
  trust?: Uint8Array[];
}

/** Looks like an appliance (by its magic), for telling a .gob from a .wasm. */
export function isAppliance(b: Uint8Array): boolean {
  return b.length >= MAGIC.length && MAGIC.every((x, i) => b[i] === x);
}

export async function unpack(b: Uint8Array, o: ReadOptions = {}): Promise<Unpacked> {
  if (!isAppliance(b)) bad(b.length < MAGIC.length ? 'truncated: too short to be an appliance' : 'not an appliance (bad magic)');
  if (b.length < HEADER_BYTES) bad('truncated: the header is cut short');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) bad(`unknown format version ${version} (this goblin reads version ${FORMAT_VERSION})`);
  const indexLen = view.getUint32(12, true);
  if (indexLen > MAX_INDEX_BYTES) bad(`index of ${indexLen} bytes is larger than the ${MAX_INDEX_BYTES} allowed`);
  if (HEADER_BYTES + indexLen > b.length) bad('truncated: the index is cut short');
  const index = parseIndex(b.subarray(HEADER_BYTES, HEADER_BYTES + indexLen));
  const blobs = HEADER_BYTES + indexLen;
  const stored = index.files.reduce((n, e) => n + (e.type === 'file' ? e.stored : 0), 0);
  const end = blobs + stored;
  if (end + DIGEST_BYTES > b.length) bad('truncated: the file is shorter than its index says');
  const rest = b.length - end - DIGEST_BYTES;
  if (rest !== 0 && rest !== SIGNATURE_BYTES) bad(`${rest} unexpected bytes after the digest`);
  const codecs = o.codecs ?? webCodecs;
  const digest = await sha256(b.subarray(0, end), codecs);
  if (!digest.every((x, i) => x === b[end + i])) bad('digest mismatch: the file is corrupted or was changed after packing');
  let signer: Uint8Array | null = null;
  if (rest) {
    const sig = b.subarray(end + DIGEST_BYTES);
    if (!SIGNATURE_TAG.every((x, i) => sig[i] === x)) bad('unknown bytes after the digest (not a signature)');
    signer = sig.slice(4, 36);
    if (o.trust) {
      if (!o.trust.some(k => k.length === signer!.length && k.every((x, i) => x === signer![i]))) bad('signed by a key that is not trusted');
      if (!await verifySignature(signer, sig.subarray(36), digest)) bad('bad signature: the file was changed after signing');
    }
  } else if (o.trust) bad('not signed, and --trust asks for a signature');
  const contents = new Map<string, Uint8Array>();
  let at = blobs;
  for (const e of index.files) {
    if (e.type !== 'file') continue;
    if (e.offset !== at - blobs) bad(`${e.path}: blob offset ${e.offset} is not where the blobs put it`);
    contents.set(e.path, await content(e, b.subarray(at, at + e.stored), codecs));
    at += e.stored;
  }
  return { digest: `sha256:${hex(digest)}`, index, contents, signer, bytes: b.length };
}

async function content(e: FileEntry, stored: Uint8Array, codecs: Codecs): Promise<Uint8Array> {
  let data = stored;
  if (e.encoding === 'deflate-raw') {
    try { data = await codecs.inflate(stored, e.size); } catch { bad(`${e.path}: compressed data is corrupt`); }
  }
  if (data.length !== e.size) bad(`${e.path}: ${data.length} bytes where the index says ${e.size}`);
  if (hex(await sha256(data, codecs)) !== e.sha256) bad(`${e.path}: content does not match its SHA-256`);
  return data;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The index's own shape (the manifest's is the schema's business): what reading needs to be safe. */
function parseIndex(raw: Uint8Array): Index {
  let v: unknown;
  try { v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)); } catch { bad('the index is not valid JSON'); }
  if (!isObj(v)) return bad('the index is not an object');
  if (v.format !== FORMAT_VERSION) bad(`index format ${String(v.format)} is not ${FORMAT_VERSION}`);
  if (!isObj(v.manifest)) bad('the index has no manifest');
  const base = v.base;
  if (base !== null && !(isObj(base) && typeof base.digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(base.digest)
    && (base.hint === null || typeof base.hint === 'string'))) bad('the index names its base badly');
  if (!Array.isArray(v.files)) bad('the index has no file list');
  const files = v.files as unknown[];
  let prev = '';
  const filePaths = new Set<string>();
  for (const e of files) {
    if (!isObj(e) || typeof e.path !== 'string') return bad('an index entry has no path');
    const p = e.path;
    if (!p.startsWith('/') || p.length > MAX_PATH || p.split('/').slice(1).some(n => n === '' || n === '.' || n === '..')) bad(`bad path in the index: ${JSON.stringify(p.slice(0, 100))}`);
    if (prev && byPath({ path: prev }, e as { path: string }) >= 0) bad(`the index is not sorted by path (${p})`);
    prev = p;
    for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) if (filePaths.has(p.slice(0, i))) bad(`${p}: inside ${p.slice(0, i)}, which is a file`);
    if (!isCount(e.mode) || e.mode > 0o777) bad(`${p}: bad mode`);
    if (e.type === 'dir') continue;
    if (e.type !== 'file') bad(`${p}: unknown entry type ${String(e.type)}`);
    filePaths.add(p);
    if (!isCount(e.size) || !isCount(e.offset) || !isCount(e.stored)) bad(`${p}: bad size or offset`);
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) bad(`${p}: bad sha256`);
    if (e.encoding !== 'raw' && e.encoding !== 'deflate-raw') bad(`${p}: unknown encoding ${String(e.encoding)}`);
    if (e.encoding === 'raw' && e.stored !== e.size) bad(`${p}: stored size differs from its size`);
  }
  return v as unknown as Index & { files: Entry[] };
}
