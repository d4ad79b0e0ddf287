// Fids and the paths they name. A fid remembers how it was reached (a chain of
// names from its export's root) so that `..` is lexical, as in Plan 9, and so
// that remove and rename know the directory that holds the file; file servers
// themselves have no parent pointers.

import { fail } from '../error.ts';
import type { Steps } from '../fs/maybe.ts';
import type { File, Handle, Maybe } from '../fs/types.ts';
import type { Chan } from '../ns/namespace.ts';
import { holder } from '../ns/union.ts';
import type { Dirent, Stat } from '../ninep/messages.ts';
import type { Owner } from './attr.ts';
import type { Export } from './server.ts';

export interface PathNode {
  readonly chan: Chan;
  /** null at the export's root */
  readonly parent: PathNode | null;
  /** the name in the parent; '/' at the root */
  readonly name: string;
}

export interface Opened {
  /** null for directories (listed through the tree) and symlinks made by Tcreate */
  readonly handle: Handle | null;
  readonly read: boolean;
  readonly write: boolean;
  readonly dir: boolean;
  /** remove the file when the fid is clunked (ORCLOSE) */
  readonly orclose: boolean;
  /** 9P2000.L: the listing Treaddir pages through by index; remade at offset 0 */
  dirents: Dirent[] | null;
  /** 9P2000 and .u: the stats directory reads page through, and the offset the next read must ask for */
  stats: Stat[] | null;
  statIndex: number;
  statOffset: bigint;
}

export function opened(handle: Handle | null, read: boolean, write: boolean, dir: boolean, orclose: boolean): Opened {
  return { handle, read, write, dir, orclose, dirents: null, stats: null, statIndex: 0, statOffset: 0n };
}

export class Fid {
  readonly id: number;
  readonly exp: Export;
  readonly owner: Owner;
  node: PathNode;
  open: Opened | null = null;
  /** an open or create is under way */
  busy = false;
  /** requests using this fid now; the handle is closed when a clunked fid drops to 0 */
  refs = 0;
  clunked = false;

  constructor(id: number, exp: Export, node: PathNode, owner: Owner) {
    this.id = id;
    this.exp = exp;
    this.node = node;
    this.owner = owner;
  }

  get file(): File { return this.node.chan.file; }
}

export const rootNode = (exp: Export): PathNode => ({ chan: exp.tree.root, parent: null, name: '/' });

const badName = (name: string): boolean => name === '' || name.includes('/') || name.includes('\0');

/** Checks a name a create, link or rename makes. */
export function newName(name: string): string {
  if (badName(name) || name === '.' || name === '..') throw fail('EINVAL', `bad file name ${JSON.stringify(name)}`);
  return name;
}

/** One walk step: `.` stays, `..` goes back along the path (the root is its own parent). */
export function step(exp: Export, node: PathNode, name: string): Maybe<PathNode> {
  if (name === '.') return node;
  if (name === '..') return node.parent ?? node;
  if (badName(name)) throw fail('ENOENT', `bad file name ${JSON.stringify(name)}`);
  const r = exp.tree.step(node.chan, name);
  return r instanceof Promise ? r.then(chan => ({ chan, parent: node, name })) : { chan: r, parent: node, name };
}

/** The chan of a file just created in dir. */
export function childNode(exp: Export, dir: PathNode, name: string, f: File): PathNode {
  const chan = exp.tree.chan ? exp.tree.chan(f) : { file: f, union: null, on: f };
  return { chan, parent: dir, name };
}

/** Where a create in c goes. */
export function createDir(exp: Export, c: Chan): File {
  const d = exp.tree.createTarget(c);
  if (d.qid.type !== 'dir') throw fail('ENOTDIR');
  return d;
}

/** Removes the file a path names from the directory that holds it. */
export function* removeNode(node: PathNode): Steps<void> {
  if (!node.parent) throw fail('EBUSY', 'cannot remove the root of an export');
  const dir: File = yield holder(node.parent.chan, node.name);
  yield dir.remove(node.name, node.chan.file.qid.type === 'dir' ? 'dir' : 'file');
}
