// goblin.json checked against the package's JSON Schema (schema/goblin.schema.json),
// by Ajv. Each problem names its field, as a path from the top (limits.memory,
// mounts.data.path), and says what was expected.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

export const SCHEMA_PATH = fileURLToPath(new URL('../../schema/goblin.schema.json', import.meta.url));

/** The options the schema is compiled with, here and by the build (scripts/build.ts). */
export const AJV_OPTIONS = { allErrors: true, strict: true, verbose: true, code: { esm: true, source: true } } as const;

// The build compiles the schema ahead of time into dist/node/manifest-validate.js (Ajv's
// standalone code), so a run starts without Ajv; from the sources, Ajv compiles it now.
const GENERATED = './manifest-validate.js';
const validate: ValidateFunction = ((await import(GENERATED).catch(() => null)) as { default: ValidateFunction } | null)?.default
  ?? await compiled();

async function compiled(): Promise<ValidateFunction> {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  return new Ajv2020(AJV_OPTIONS).compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
}

/** The manifest's problems, each one line naming its field; none when it is sound. */
export function checkManifest(m: unknown): string[] {
  if (validate(m)) return [];
  const errors = validate.errors ?? [];
  // a oneOf's failed branches: the type that did not fit says nothing when another branch says why
  const said = (e: ErrorObject) => errors.some(o => o !== e && o.instancePath === e.instancePath && o.keyword !== 'type' && o.keyword !== 'oneOf');
  return errors.filter(e => !(e.keyword === 'type' || e.keyword === 'oneOf' || e.keyword === 'propertyNames') || !said(e))
    .map(describe).filter((line, i, all) => all.indexOf(line) === i);
}

function describe(e: ErrorObject): string {
  const key = (e as { propertyName?: string }).propertyName;
  const field = [...e.instancePath.split('/').slice(1).map(s => s.replace(/~1/g, '/').replace(/~0/g, '~')), ...(key ? [key] : [])].join('.');
  if (key && e.keyword === 'pattern') return `${field}: the name is not ${patternWords(e)}`;
  const at = (name: string) => (field ? `${field}.${name}` : name);
  switch (e.keyword) {
    case 'required': return `${at(String(e.params.missingProperty))}: required, missing`;
    case 'additionalProperties': return `${at(String(e.params.additionalProperty))}: not a field of ${field || 'the manifest'}`;
    case 'propertyNames': return `${field || 'the manifest'}: bad name ${JSON.stringify(e.params.propertyName)}`;
    case 'pattern': return `${field}: ${JSON.stringify(valueAt(e))} is not ${patternWords(e)}`;
    default: return `${field || 'the manifest'}: ${e.message}`;
  }
}

const valueAt = (e: ErrorObject): unknown => e.data;

/** What a pattern stands for, as its schema's description says (or the pattern itself). */
function patternWords(e: ErrorObject): string {
  const d = (e.parentSchema as { description?: string } | undefined)?.description;
  return d ?? `of the form ${String(e.params.pattern)}`;
}
