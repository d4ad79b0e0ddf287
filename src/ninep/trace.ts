// One line per message, derived from the table:
//   Twalk tag 1 fid 0 newfid 1 "a" "b"
//   Rwalk tag 1 (0000000000000007 0 d) (0000000000000009 2)
//   Rread tag 1 count 5 "hello"
// Fields appear in wire order as `name value`; walk arrays list their
// elements bare; data shows its count and the first bytes; mode and perm are
// octal, flag masks hex. The lines double as golden test transcripts.

import type { DecodeError } from './codec.ts';
import { defByName, type Msg, statLayout, type Stat } from './messages.ts';
import { formatQid, type Qid } from './qid.ts';
import type { Field } from './spec.ts';

const octal = new Set(['mode', 'perm']);
const hex = new Set(['flags', 'valid', 'request_mask']);
const PREVIEW = 32;

const quote = (s: string): string => JSON.stringify(s);

function preview(b: Uint8Array): string {
  const head = b.subarray(0, PREVIEW);
  const more = b.length > PREVIEW ? '...' : '';
  let text = true;
  for (const x of head) if (!((x >= 0x20 && x < 0x7f) || x === 0x0a || x === 0x09)) text = false;
  if (text) return quote(String.fromCharCode(...head)) + more;
  let h = '';
  for (const x of head) h += x.toString(16).padStart(2, '0');
  return `<${h}>${more}`;
}

function formatValue(f: Field, v: unknown): string {
  switch (f.kind) {
    case 'u8':
    case 'u16':
    case 'u32':
    case 'u64': {
      const n = v as number | bigint;
      if (octal.has(f.name) && f.kind !== 'u8') return `${f.name} 0${n.toString(8)}`;
      if (hex.has(f.name)) return `${f.name} 0x${n.toString(16)}`;
      return `${f.name} ${n}`;
    }
    case 's':
      return `${f.name} ${quote(v as string)}`;
    case 'qid':
      return `${f.name} ${formatQid(v as Qid)}`;
    case 's[]':
      return (v as string[]).map(quote).join(' ');
    case 'qid[]':
      return (v as Qid[]).map(formatQid).join(' ');
    case 'data': {
      const b = v as Uint8Array;
      return b.length ? `count ${b.length} ${preview(b)}` : 'count 0';
    }
    case 'stat':
      return `${f.name} ${formatStat(v as Stat)}`;
  }
}

function formatFields(fields: readonly Field[], obj: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  for (const f of fields) {
    const v = obj[f.name];
    if (v === undefined) continue; // an extension field the dialect lacks
    const s = formatValue(f, v);
    if (s) parts.push(s);
  }
  return parts.join(' ');
}

/** `{type 0 dev 0 qid (...) mode 0755 ... muid "glenda"}` */
export const formatStat = (stat: Stat): string => `{${formatFields(statLayout, stat as Readonly<Record<string, unknown>>)}}`;

/** The trace line for a message. */
export function trace(msg: Msg): string {
  const def = defByName(msg.kind);
  const rest = def ? formatFields(def.fields, msg as Readonly<Record<string, unknown>>) : '';
  return rest ? `${msg.kind} tag ${msg.tag} ${rest}` : `${msg.kind} tag ${msg.tag}`;
}

/** The trace line for bytes that did not decode. */
export const traceError = (e: DecodeError): string =>
  `error${e.tag === undefined ? '' : ` tag ${e.tag}`}${e.type === undefined ? '' : ` type ${e.type}`} ${quote(e.message)}`;
