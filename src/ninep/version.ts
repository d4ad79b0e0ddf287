// Version negotiation (version(5)) and the sizes that follow from it.
// The client asks for the richest dialect first and steps down when the server
// answers "unknown": 9P2000.L, then 9P2000.u, then 9P2000. A server answers
// the richest dialect it speaks that is no richer than the one asked for (so
// "9P2000" to a "9P2000.L" if that is all it has, as version(5) allows for
// dotted names), and "unknown" when there is none.

import { GoblinError, fail } from '../error.ts';
import { type Dialect, IOHDRSZ, MAX_MSIZE, MIN_MSIZE } from './consts.ts';

/** Richest first: the order a client tries them in. */
export const dialects: readonly Dialect[] = ['9P2000.L', '9P2000.u', '9P2000'];

export const isDialect = (s: string): s is Dialect => (dialects as readonly string[]).includes(s);

/** The dialect to ask for after `d` was refused, if any. */
export const nextDialect = (d: Dialect): Dialect | undefined => dialects[dialects.indexOf(d) + 1];

/** The msize both sides can live with: the smaller of the two, never above
 *  MAX_MSIZE; an error if that is below MIN_MSIZE. */
export function clampMsize(asked: number, limit: number = MAX_MSIZE): number | GoblinError {
  const m = Math.min(asked, limit, MAX_MSIZE);
  return Number.isInteger(m) && m >= MIN_MSIZE ? m : fail('EMSGSIZE', `9P: msize ${asked} is below ${MIN_MSIZE}`);
}

/** The most data one Tread/Twrite can move at this msize. */
export const iounit = (msize: number): number => Math.max(0, msize - IOHDRSZ);

export interface Negotiated {
  readonly dialect: Dialect;
  readonly msize: number;
}

/** The server's Rversion fields for a Tversion. `dialect` is set when the
 *  session starts; a reply of "unknown" leaves the connection unversioned. */
export function serverVersion(
  req: { readonly msize: number; readonly version: string }, supported: readonly Dialect[], limit: number = MAX_MSIZE,
): { msize: number; version: Dialect | 'unknown'; dialect: Dialect | undefined } {
  const msize = clampMsize(req.msize, limit);
  const asked = req.version;
  let dialect: Dialect | undefined;
  if (isDialect(asked)) dialect = dialects.slice(dialects.indexOf(asked)).find((d) => supported.includes(d));
  else if (asked.startsWith('9P2000.') && supported.includes('9P2000')) dialect = '9P2000';
  if (msize instanceof GoblinError || dialect === undefined) return { msize: Math.min(req.msize, limit, MAX_MSIZE), version: 'unknown', dialect: undefined };
  return { msize, version: dialect, dialect };
}

/** The client's reading of an Rversion to a Tversion of (`asked`, `msize`):
 *  the session's dialect and msize, or the dialect to ask for next, or an error
 *  when nothing is left to try or the reply breaks the rules. */
export function clientVersion(
  asked: Dialect, msize: number, reply: { readonly msize: number; readonly version: string },
): Negotiated | { retry: Dialect } | GoblinError {
  if (reply.version === 'unknown') {
    const next = nextDialect(asked);
    return next ? { retry: next } : fail('EPROTONOSUPPORT', `9P: server speaks none of ${dialects.join(', ')}`);
  }
  // A server may step down to a plainer dialect (version(5)), never up.
  if (!isDialect(reply.version) || dialects.indexOf(reply.version) < dialects.indexOf(asked))
    return fail('EPROTO', `9P: asked for ${asked}, server answered ${JSON.stringify(reply.version)}`);
  if (reply.msize > msize) return fail('EPROTO', `9P: server raised msize from ${msize} to ${reply.msize}`);
  if (reply.msize < MIN_MSIZE) return fail('EMSGSIZE', `9P: server msize ${reply.msize} is below ${MIN_MSIZE}`);
  return { dialect: reply.version, msize: reply.msize };
}
