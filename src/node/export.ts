// `goblin export`: builds a namespace from --dir and --ns lines, as `goblin run`
// does for a VM, and serves it over 9P on every --listen address. The default
// aname '' is the namespace; diod's `ctl` aname is there too.
//
// The namespace starts as an empty in-memory root; bind and mount lines make
// their mount points in it. Devices a namespace file may name: '#U/dir' and
// '#U:ro/dir' (host directories), '#t' (a fresh in-memory tree), '#c' (null,
// zero, random; there is no console). A namespace that needs a VM ('#e', '#p')
// or the network (`mount`) is refused with the line that asked.

import { readFileSync } from 'node:fs';
import { fail } from '../error.ts';
import { devFs } from '../fs/dev.ts';
import { RamFs } from '../fs/ram.ts';
import type { File, FileServer } from '../fs/types.ts';
import { type Chan, Namespace } from '../ns/namespace.ts';
import { applyText, type NsOp, parseLine } from '../ns/text.ts';
import { Server } from '../ninep/server.ts';
import { HostFs } from './hostfs.ts';
import { listen, type Listener } from './transport.ts';

export const DEFAULT_LISTEN = 'tcp!127.0.0.1!5640';

/** A namespace built from namespace(6) text, outside any VM. */
export function exportNamespace(text: string): Namespace {
  const clock = () => BigInt(Date.now()) * 1_000_000n;
  const skeleton = new RamFs({ name: 'root', clock });
  const attach = (spec: string): FileServer => {
    if (spec === '#t') return new RamFs({ name: 'tmp', clock });
    if (spec === '#c') return devFs({ cons: () => ({ input: null, output: null }), random: d => { crypto.getRandomValues(d); }, clock });
    const host = /^#U(:ro)?(\/.*)$/.exec(spec);
    if (host) return new HostFs(host[2]!, !!host[1]);
    throw fail('ENOENT', `unknown device ${spec}`);
  };
  const ns = new Namespace(skeleton.root(), attach);
  const makeMountPoint = (parent: Chan, name: string, dir: boolean): boolean => {
    if (parent.file.qid.dev !== skeleton.dev) return false;
    parent.file.create!(name, dir ? 'dir' : 'file', 0o555, true);
    return true;
  };
  // Mount points may be deep (--dir /a/b::/a/b): make their parents in the skeleton first.
  for (const line of text.split('\n')) {
    let op: NsOp | null;
    try { op = parseLine(line); } catch { continue; } // applyText reports it, with its line number
    if (!op || op.op === 'unmount') continue;
    let dir = skeleton.root();
    for (const name of (op.args[1] ?? '').split('/').filter(Boolean).slice(0, -1)) {
      let next: File;
      try { next = dir.walk!(name) as File; } catch { next = dir.create!(name, 'dir', 0o555, true) as File; }
      if (next.qid.type !== 'dir') break;
      dir = next;
    }
  }
  const r = applyText(ns, text, { makeMountPoint });
  if (r instanceof Promise) throw fail('ENOTSUP', 'namespace setup must not wait');
  return ns;
}

export interface ExportSpec {
  /** dial strings (default tcp!127.0.0.1!5640) */
  listen: string[];
  /** namespace(6) text: --ns file contents and --dir lines */
  ns: string;
  readonly?: boolean;
  /** print every 9P message on stderr */
  trace?: boolean;
}

export interface Exporting {
  readonly server: Server;
  readonly listeners: Listener[];
  close(): Promise<void>;
}

/** Starts serving; the library form of `goblin export`. */
export async function startExport(spec: ExportSpec): Promise<Exporting> {
  const ns = exportNamespace(spec.ns);
  const server = new Server({
    exports: { '': ns },
    readonly: spec.readonly,
    trace: spec.trace ? line => process.stderr.write(line + '\n') : undefined,
  });
  const listeners: Listener[] = [];
  try {
    for (const a of spec.listen.length ? spec.listen : [DEFAULT_LISTEN]) listeners.push(await listen(server, a));
  } catch (e) {
    await Promise.all(listeners.map(l => l.close()));
    throw e;
  }
  return {
    server, listeners,
    close: async () => {
      await Promise.all(listeners.map(l => l.close()));
      server.close();
    },
  };
}

/** `goblin export`: serve until SIGINT or SIGTERM. */
export async function runExport(o: { listen: string[]; ro?: boolean; dir: string[]; ns?: string; trace?: boolean }, dirLine: (d: string) => string): Promise<void> {
  let ex: Exporting;
  try {
    if (!o.dir.length && !o.ns) throw fail('EINVAL', 'nothing to export (give --dir HOST::GUEST or --ns FILE)');
    const text = (o.ns ? readFileSync(o.ns, 'utf8') + '\n' : '') + o.dir.map(dirLine).join('\n');
    ex = await startExport({ listen: o.listen, ns: text, readonly: o.ro, trace: o.trace });
  } catch (e) {
    process.stderr.write(`goblin: export: ${(e as Error).message.replace(/^ENOENT: /, '')}\n`);
    process.exit(2);
  }
  process.stdout.write(`goblin: exporting on ${ex.listeners.map(l => l.addr).join(' ')}\n`);
  const stop = () => { void ex.close().then(() => process.exit(0)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
