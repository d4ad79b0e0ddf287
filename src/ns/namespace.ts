// A namespace: one root and a mount table, private to a VM (or shared by the VMs of
// one rfork group). The table is keyed by the identity of the mounted-on file
// (dev, qid.path), never by a path string: paths exist only in the text form.
// A mount point holds a union of members; walking and listing it follow the
// one rule in union.ts.
import { fail } from '../error.ts';
import type { Dirent, File, FileServer, Maybe } from '../fs/types.ts';
import { entries, find } from './union.ts';

export const MREPL = 0, MBEFORE = 1, MAFTER = 2, MCREATE = 4;

export interface Member { readonly file: File; readonly create: boolean }

/** A file as the namespace sees it: a plain file, or a mount point's union. */
export interface Chan {
  /** the file operations go to: the union's first member, or the file itself */
  readonly file: File;
  /** the members when this is a mount point */
  readonly union: readonly Member[] | null;
  /** the file the union is mounted on (the table key) */
  readonly on: File;
}

/** Turns a device spec such as '#c' or '#U/home/x' into a file server. */
export type Attach = (spec: string) => FileServer;

export class Namespace {
  private readonly table: Map<number, Map<number, Member[]>>;
  private readonly base: File;
  readonly attach: Attach;
  /** the operations that built it, one namespace(6) line each */
  readonly log: string[];
  /** whether some server here may answer later (then every call that reaches one may suspend) */
  private waits: boolean;
  /**
   * rfork(RFNOMNT): no new tree may be attached (no '#' spec, no mount); binds of
   * what is already here still work. Copies made by fork keep it, and it never clears.
   */
  noAttach: boolean;

  constructor(root: File, attach: Attach, from?: Namespace) {
    this.base = root;
    // one server per device spec, so '#U/x' names the same tree each time (unmount needs that)
    this.waits = from ? from.waits : false;
    this.noAttach = from ? from.noAttach : false;
    if (from) this.attach = from.attach;
    else {
      const attached = new Map<string, FileServer>();
      this.attach = spec => {
        let s = attached.get(spec);
        if (!s) {
          attached.set(spec, s = attach(spec));
          if (!s.synchronous) this.waits = true;
        }
        return s;
      };
    }
    this.table = new Map();
    if (from) for (const [dev, m] of from.table) this.table.set(dev, new Map([...m].map(([p, u]) => [p, [...u]])));
    this.log = from ? [...from.log] : [];
  }

  get synchronous(): boolean { return !this.waits; }

  /** Says a server that may wait (a remote mount) has been bound in. */
  mayWait(): void { this.waits = true; }

  /** rfork(RFNAMEG): a copy that changes independently */
  fork(): Namespace { return new Namespace(this.base, this.attach, this); }

  get root(): Chan { return this.chan(this.base); }

  chan(f: File): Chan {
    const union = this.table.get(f.qid.dev)?.get(f.qid.path);
    return union ? { file: union[0]!.file, union, on: f } : { file: f, union: null, on: f };
  }

  /** One walk step from a directory: for a union, the first member that has the name (union.ts). */
  step(c: Chan, name: string): Maybe<Chan> {
    if (!c.union) {
      // a plain directory (the hot path of every walk): its own answer, without union.ts's bookkeeping
      if (c.file.qid.type !== 'dir') throw fail('ENOTDIR');
      const r = c.file.walk(name);
      return r instanceof Promise ? r.then(f => this.chan(f)) : this.chan(r);
    }
    const r = find(c, name);
    return r instanceof Promise ? r.then(f => this.chan(f.file)) : this.chan(r.file);
  }

  /** A directory's entries, a union's merged (union.ts entries()). */
  list(c: Chan): Maybe<Dirent[]> { return entries(c); }

  /** The member a create in this directory goes to (Plan 9: the first MCREATE one). */
  createTarget(c: Chan): File {
    if (!c.union) return c.file;
    const m = c.union.find(m => m.create);
    if (!m) throw fail('EACCES', 'no create member in union');
    return m.file;
  }

  /** bind(2): make `onto` show `from` (its union members, if it is a mount point). */
  bind(from: Chan, onto: Chan, flags: number, text: string): void {
    if (from.file.qid.type === 'dir' !== (onto.file.qid.type === 'dir')) throw fail('ENOTDIR', 'bind: file and directory mismatch');
    const create = (flags & MCREATE) !== 0;
    const incoming: Member[] = (from.union ?? [{ file: from.file, create }]).map(m => ({ file: m.file, create: create || m.create }));
    const key = onto.on;
    let devTable = this.table.get(key.qid.dev);
    if (!devTable) this.table.set(key.qid.dev, devTable = new Map());
    const old = devTable.get(key.qid.path) ?? [{ file: key, create: false }];
    const kind = flags & 3;
    const members = kind === MBEFORE ? [...incoming, ...old] : kind === MAFTER ? [...old, ...incoming] : incoming;
    devTable.set(key.qid.path, dedupe(members));
    this.log.push(text);
  }

  /** unmount(2): drop `from`'s members from `onto`, or the whole mount when from is null. */
  unmount(from: Chan | null, onto: Chan, text: string): void {
    const key = onto.on;
    const devTable = this.table.get(key.qid.dev);
    const union = devTable?.get(key.qid.path);
    if (!devTable || !union) throw fail('EINVAL', 'not mounted');
    if (from) {
      const drop = from.union ? from.union.map(m => m.file) : [from.file];
      const left = union.filter(m => !drop.some(d => same(d, m.file)));
      if (left.length === union.length) throw fail('EINVAL', 'not mounted');
      const onlyOriginal = left.length === 1 && same(left[0]!.file, key);
      if (left.length && !onlyOriginal) { devTable.set(key.qid.path, left); this.log.push(text); return; }
    }
    devTable.delete(key.qid.path);
    this.log.push(text);
  }

  text(): string { return this.log.map(l => l + '\n').join(''); }
}

const same = (a: File, b: File): boolean => a.qid.dev === b.qid.dev && a.qid.path === b.qid.path;

function dedupe(ms: Member[]): Member[] {
  return ms.filter((m, i) => ms.findIndex(o => same(o.file, m.file)) === i);
}
