// `goblin 9p`: one operation on one path of a remote 9P tree, for people and
// scripts (in the spirit of diod's diodls and diodcat), through the same client
// that mounts remote trees into VMs.
//   goblin 9p [-a ANAME] ls [-l] ADDR [PATH]   names in a directory, one a line, sorted
//   goblin 9p [-a ANAME] cat ADDR PATH         the file on stdout
//   goblin 9p [-a ANAME] stat ADDR PATH        `field value` lines
//   goblin 9p [-a ANAME] write ADDR PATH       stdin into the file (made if missing, truncated)
// Errors are one line on stderr and exit status 1 (2 for a bad command line).
// --timeout (default 10 s) is how long each step may wait for the server: the
// connection, Tversion, Tattach and every request.

import { GoblinError } from '../error.ts';
import type { File, FileServer, Handle, Stat } from '../fs/types.ts';
import { type Dialect, isDialect } from '../ninep/index.ts';
import { type ClientAuthFlags, clientCredentials } from './auth-options.ts';
import { mount9p } from './dial.ts';

const ops = ['ls', 'cat', 'stat', 'write'] as const;
type Op = (typeof ops)[number];

export interface NinepOptions extends ClientAuthFlags {
  aname: string;
  long?: boolean;
  uname?: string;
  dialect: string;
  trace?: boolean;
  /** ms each step may wait for the server */
  timeout: number;
}


/** The File a slash-separated path names below the root (symlinks are not followed). */
export async function walkPath(fs: FileServer, path: string): Promise<File> {
  let f = fs.root();
  for (const name of path.split('/').filter(n => n !== '' && n !== '.')) f = await f.walk(name);
  return f;
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

function modeString(st: Stat): string {
  const t = { dir: 'd', symlink: 'l', char: 'c', block: 'b', fifo: 'p', socket: 's', file: '-' }[st.type];
  let s = t;
  for (let i = 8; i >= 0; i--) s += st.mode & (1 << i) ? 'rwx'[(8 - i) % 3] : '-';
  return s;
}

const isoTime = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();

async function ls(fs: FileServer, path: string, long: boolean, out: (s: string) => void): Promise<void> {
  const f = await walkPath(fs, path);
  let entries: { name: string; file: File }[];
  if (f.qid.type === 'dir') {
    const h = await f.open({ read: true, write: false });
    try {
      const names = (await h.readdir()).map(e => e.name).sort();
      entries = long ? await Promise.all(names.map(async name => ({ name, file: await f.walk(name) }))) : names.map(name => ({ name, file: f }));
    } finally { h.close(); }
  } else {
    entries = [{ name: path.split('/').filter(Boolean).pop() ?? '/', file: f }];
  }
  if (!long) return out(entries.map(e => `${e.name}\n`).join(''));
  const lines = await Promise.all(entries.map(async ({ name, file }) => {
    const st = await file.stat();
    const link = st.type === 'symlink' ? ` -> ${await file.readlink()}` : '';
    return `${modeString(st)} ${pad(st.nlink, 3)} ${pad(st.size, 10)} ${isoTime(st.mtime)} ${name}${link}\n`;
  }));
  out(lines.join(''));
}

async function cat(fs: FileServer, path: string): Promise<void> {
  const f = await walkPath(fs, path);
  const h = await f.open({ read: true, write: false });
  try {
    // one read of 4 MiB goes out as several iounit-sized requests at once
    for (let off = 0; ;) {
      const buf = new Uint8Array(4 << 20);
      const n = await h.read(buf, off);
      if (n === 0) return;
      off += n;
      if (!process.stdout.write(buf.subarray(0, n))) await new Promise(r => process.stdout.once('drain', r));
    }
  } finally { h.close(); }
}

async function stat(fs: FileServer, path: string, out: (s: string) => void): Promise<void> {
  const f = await walkPath(fs, path);
  const st = await f.stat();
  const rows: [string, string | number][] = [
    ['name', path.split('/').filter(Boolean).pop() ?? '/'], ['type', st.type], ['mode', `0${st.mode.toString(8).padStart(3, '0')}`],
    ['size', st.size], ['nlink', st.nlink], ['mtime', isoTime(st.mtime)], ['atime', isoTime(st.atime)], ['qid', f.qid.path],
  ];
  if (st.uid !== undefined) rows.push(['uid', st.uid]);
  if (st.type === 'symlink') rows.push(['target', await f.readlink()]);
  out(rows.map(([k, v]) => `${k} ${v}\n`).join(''));
}

async function write(fs: FileServer, path: string): Promise<void> {
  const names = path.split('/').filter(n => n !== '' && n !== '.');
  const name = names.pop();
  if (!name) throw new GoblinError('EISDIR', 'cannot write the root');
  const dir = await walkPath(fs, names.join('/'));
  const f = await dir.create(name, 'file', 0o666, false);
  const h: Handle = await f.open({ read: false, write: true, truncate: true });
  try {
    let off = 0;
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      let b = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      while (b.length) {
        const n = await h.write(b, off);
        if (n <= 0) throw new GoblinError('EIO', 'short write');
        off += n;
        b = b.subarray(n);
      }
    }
  } finally { h.close(); }
}

/** `goblin 9p OP ADDR [PATH]` */
export async function ninep(op: string, addr: string, path: string, o: NinepOptions): Promise<void> {
  const die = (msg: string, code: number): never => {
    process.stderr.write(`goblin: 9p: ${msg}\n`);
    process.exit(code);
  };
  if (!(ops as readonly string[]).includes(op)) die(`unknown operation ${JSON.stringify(op)} (ls, cat, stat or write)`, 2);
  if (!isDialect(o.dialect)) die(`unknown dialect ${JSON.stringify(o.dialect)} (9P2000.L, 9P2000.u or 9P2000)`, 2);
  let fs;
  try {
    let creds;
    try { creds = clientCredentials(o); } catch (e) { return die((e as Error).message, 2); }
    fs = await mount9p(addr, {
      ...creds, aname: o.aname, uname: o.uname, dialect: o.dialect as Dialect,
      dialTimeout: o.timeout, versionTimeout: o.timeout, attachTimeout: o.timeout, timeout: o.timeout,
      trace: o.trace ? line => process.stderr.write(`${line}\n`) : undefined,
    });
  } catch (e) {
    return die((e as Error).message, (e as GoblinError).errno === 'EINVAL' ? 2 : 1); // EINVAL: a bad address
  }
  const out = (s: string) => { process.stdout.write(s); };
  try {
    switch (op as Op) {
      case 'ls': await ls(fs, path, !!o.long, out); break;
      case 'cat': await cat(fs, path); break;
      case 'stat': await stat(fs, path, out); break;
      case 'write': await write(fs, path); break;
    }
  } catch (e) {
    fs.close();
    return die(`${op} ${path}: ${(e as Error).message}`, 1);
  }
  fs.close();
}
