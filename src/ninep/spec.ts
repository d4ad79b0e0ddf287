// Field specs: how the table in messages.ts spells a field, and what each
// kind holds. A spec is 'name:kind', or 'name?:kind' for a 9P2000.u extension
// field, which is on the wire in 9P2000.u and 9P2000.L and absent in 9P2000.
// The same strings are read twice: by parseFields at load time, and by the
// type-level Struct so the TypeScript message types come from the table too.

import type { Stat } from './messages.ts';
import type { Qid } from './qid.ts';

/** Wire kinds: little-endian integers, string (len[2] then UTF-8), qid[13],
 *  walk arrays (n[2] then at most MAXWELEM items), data (count[4] then bytes)
 *  and stat (n[2] then one stat, which begins with its own size[2]). */
export interface Values {
  u8: number;
  u16: number;
  u32: number;
  u64: bigint;
  s: string;
  qid: Qid;
  's[]': string[];
  'qid[]': Qid[];
  data: Uint8Array;
  stat: Stat;
}
export type Kind = keyof Values;

export interface Field {
  readonly name: string;
  readonly kind: Kind;
  /** An extension field: on the wire in 9P2000.u and 9P2000.L only. */
  readonly ext: boolean;
  /** What an extension field holds when a message leaves it out. */
  readonly fallback: number | string | undefined;
}

type NameOf<S> = S extends `${infer N}?:${string}` ? N : S extends `${infer N}:${string}` ? N : never;
type KindOf<S> = S extends `${string}:${infer K extends Kind}` ? K : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** Names of the extension fields in a list of specs. */
export type ExtNames<F extends readonly string[]> = NameOf<Extract<F[number], `${string}?:${string}`>>;

/** The object type described by a list of field specs. */
export type Struct<F extends readonly string[]> = Simplify<
  { -readonly [S in F[number] as S extends `${string}?:${string}` ? never : NameOf<S>]: Values[KindOf<S>] } & {
    -readonly [S in F[number] as S extends `${string}?:${string}` ? NameOf<S> : never]?: Values[KindOf<S>];
  }
>;

export function parseFields(specs: readonly string[], fallbacks: Readonly<Record<string, number | string>>): Field[] {
  return specs.map((spec) => {
    const colon = spec.indexOf(':');
    const ext = spec[colon - 1] === '?';
    const name = spec.slice(0, ext ? colon - 1 : colon);
    const kind = spec.slice(colon + 1) as Kind;
    const fallback = fallbacks[name];
    if (ext && fallback === undefined) throw new Error(`ninep: extension field ${name} has no fallback`);
    return { name, kind, ext, fallback: ext ? fallback : undefined };
  });
}
