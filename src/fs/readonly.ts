// A read-only view of another file server: reads, walks and listings pass through;
// every change (a write open, wstat, create, remove, rename, link, symlink) is
// EROFS. The server itself is untouched, so its owner can still change it.
import { fail } from '../error.ts';
import { then, type File, type FileServer, type Handle, type Maybe, type OpenFlags, type Qid, type Stat } from './types.ts';

export function readOnly(server: FileServer): FileServer {
  if (server.readonly) return server;
  return { dev: server.dev, name: server.name, readonly: true, synchronous: server.synchronous, root: () => new ReadOnlyFile(server.root()) };
}

class ReadOnlyFile implements File {
  readonly f: File;
  constructor(f: File) { this.f = f; }
  get qid(): Qid { return this.f.qid; }
  stat(): Maybe<Stat> { return this.f.stat(); }
  open(flags: OpenFlags): Maybe<Handle> {
    if (flags.write || flags.truncate || flags.append) throw fail('EROFS');
    return this.f.open(flags);
  }
  walk(name: string): Maybe<File> { return then(this.f.walk(name), f => new ReadOnlyFile(f)); }
  readlink(): Maybe<string> { return this.f.readlink(); }
  wstat(): never { throw fail('EROFS'); }
  create(): never { throw fail('EROFS'); }
  remove(): never { throw fail('EROFS'); }
  rename(): never { throw fail('EROFS'); }
  symlink(): never { throw fail('EROFS'); }
  link(): never { throw fail('EROFS'); }
}
