// npm run build: src/ compiled to dist/ (JavaScript and declarations) by tsc.
// tsc rewrites `./x.ts` imports to `./x.js` in the JavaScript it emits but not in
// declarations, so those are rewritten here: a consumer's TypeScript then needs
// no special option to read them.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const top = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(top, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(top, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);

const relativeTs = /((?:from|import)\s*\(?\s*['"])(\.\.?\/[^'"]*?)\.ts(['"])/g;
for (const e of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!e.isFile() || !e.name.endsWith('.d.ts')) continue;
  const p = join(e.parentPath, e.name);
  const text = readFileSync(p, 'utf8');
  const out = text.replace(relativeTs, '$1$2.js$3');
  if (out !== text) writeFileSync(p, out);
}

// the manifest schema compiled ahead of time (node/manifest.ts loads it instead of Ajv)
const { Ajv2020 } = await import('ajv/dist/2020.js');
const standalone = (await import('ajv/dist/standalone/index.js')).default as unknown as (ajv: unknown, v: unknown) => string;
const { AJV_OPTIONS, SCHEMA_PATH } = await import('../src/node/manifest.ts');
const ajv = new Ajv2020(AJV_OPTIONS);
const code = standalone(ajv, ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'))));
if (code.includes('require(')) throw new Error('the compiled manifest schema needs a runtime module (minLength, maxLength, format...): keep the schema to keywords Ajv compiles inline');
writeFileSync(join(dist, 'node', 'manifest-validate.js'), code);

// An ESM import of a Node module builds a facade that reads every export, so its
// lazy getters run: `import { readFileSync } from 'node:fs'` loads fs's streams and
// fs/promises (10 ms of a 100 ms start), node:zlib's costs twice what require()'s
// does. The bundle gets each module from process.getBuiltinModule instead, with
// its plain exports as named ones; a getter is left out unless some module names it.
const named = new Map<string, Set<string>>();
for (const e of readdirSync(join(dist, 'node'), { recursive: true, withFileTypes: true })) {
  if (!e.isFile() || !e.name.endsWith('.js')) continue;
  for (const m of readFileSync(join(e.parentPath, e.name), 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*['"](node:[^'"]+)['"]/g)) {
    const names = named.get(m[2]!) ?? new Set<string>();
    for (const n of m[1]!.split(',')) names.add(n.trim().split(/\s+as\s+/)[0]!);
    named.set(m[2]!, names);
  }
}
const builtinsWithoutFacade = {
  name: 'builtins-without-facade',
  setup(b: { onResolve: Function; onLoad: Function }) {
    b.onResolve({ filter: /^node:/ }, (a: { path: string; kind: string; importer: string }) =>
      a.kind === 'import-statement' ? { path: a.path, namespace: 'builtin' }
      // commander needs child_process (and with it net and dgram) only to run a subcommand's executable
      : a.kind === 'require-call' && a.path === 'node:child_process' && a.importer.includes('/commander/') ? { path: a.path, namespace: 'lazy-builtin' }
      : { path: a.path, external: true });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (a: { path: string }) => ({
      contents: `module.exports = new Proxy({}, { get: (_, k) => process.getBuiltinModule(${JSON.stringify(a.path)})[k] });\n`, loader: 'js',
    }));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (a: { path: string }) => {
      const mod = createRequire(import.meta.url)(a.path) as object;
      const wanted = named.get(a.path) ?? new Set<string>();
      const names = Object.entries(Object.getOwnPropertyDescriptors(mod))
        .filter(([k, d]) => d.enumerable && /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default' && (!d.get || wanted.has(k)))
        .map(([k]) => k);
      return { contents: `const m = process.getBuiltinModule(${JSON.stringify(a.path)});\nexport default m;\nexport const { ${names.join(', ')} } = m;\n`, loader: 'js' };
    });
  },
};

// The command, bundled by esbuild into dist/cli/: one module per command's chunk
// instead of ~90 small ones, whose loading was most of a `goblin run`'s start-up.
// The chunks sit as deep as dist/node/, so paths from import.meta.url (the
// rootfs, the schema) lead to the same places.
const esbuild = await import('esbuild');
const { meteringBuild } = await import('../src/node/cache.ts');
await esbuild.build({
  // the digest of the metering code the bundle holds (dist/fuel, dist/wasm), once here instead of at every start
  define: { GOBLIN_METERING_BUILD: JSON.stringify(meteringBuild(pathToFileURL(join(dist, 'node', 'cache.js')).href)) },
  plugins: [builtinsWithoutFacade],
  // worker threads' modules are entries of their own, beside the command's
  entryPoints: ['cli', 'serve-worker', 'thread-worker'].map(n => join(dist, 'node', `${n}.js`)),
  bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node24',
  outdir: join(dist, 'cli'), logLevel: 'warning', legalComments: 'none',
  // commander and ws are CommonJS: their require()s of Node's modules need a require
  banner: { js: "import { createRequire as __goblinRequire } from 'node:module'; const require = __goblinRequire(import.meta.url);" },
});
writeFileSync(join(dist, 'cli', 'manifest-validate.js'), code);
