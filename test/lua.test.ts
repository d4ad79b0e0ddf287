// Lua 5.4 built from Debian's source by examples/lua/build.sh, run under the kernel
// with fuel metering on: the standard libraries, errors through setjmp/longjmp lowered
// to wasm exceptions (pcall, error, runtime errors, errors after a suspension), files
// in the VM's /tmp, scripts from /app and stdin, the fuel limit, and goblin run.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SpawnSpec } from '../src/kernel/kernel.ts';
import { collect, source } from '../src/kernel/stdio.ts';
import { EXIT_CODES } from '../src/kernel/vm.ts';
import { repoDir } from './lib/cc.ts';
import { newKernel, type Ran } from './lib/kernel.ts';
import { run } from './lib/run.ts';

const luaWasm = join(repoDir, 'build', 'lua', 'lua.wasm');
const noClang = spawnSync('clang', ['--version']).status !== 0 ? 'clang is not installed (scripts/setup.sh installs it)' : false;
// Fast when up to date; the first run downloads Debian's tarball and compiles (seconds).
if (!noClang) execFileSync('bash', [join(repoDir, 'examples', 'lua', 'build.sh')], { stdio: 'inherit' });
const bytes = noClang ? new Uint8Array() : new Uint8Array(readFileSync(luaWasm));
const kernel = newKernel();

/** Runs `lua ARGS...` under the kernel. */
async function lua(args: string[], spec: Partial<SpawnSpec> = {}): Promise<Ran> {
  const out = collect(), err = collect();
  const vm = kernel.spawn({ module: bytes, args: ['lua', ...args], stdout: out, stderr: err, ...spec });
  const st = await vm.exit;
  return { ...st, stdout: out.text(), stderr: err.text() };
}

/** Runs a chunk given with -e and expects it to exit 0; answers its stdout. */
async function chunk(code: string, spec: Partial<SpawnSpec> = {}): Promise<string> {
  const r = await lua(['-e', code], spec);
  assert.equal(r.code, 0, `exit ${r.code} (${r.reason}): ${r.message ?? ''} ${r.stderr}`);
  assert.equal(r.stderr, '');
  return r.stdout;
}

const opts = { skip: noClang };

test('lua_prints_formats_and_builds_tables_and_closures', opts, async () => {
  assert.equal(await chunk(`
    print("hello", 1, 2.5, nil, true)
    print(string.format("%5.2f|%-4d|%s|%q|%x", math.pi, 42, "s", "a\\nb", 255))
    local t = {3, 1, 2, name = "t"}
    table.sort(t)
    table.insert(t, 4)
    print(table.concat(t, ","), #t, t.name, select("#", table.unpack(t)))
    local function counter() local n = 0 return function() n = n + 1 return n end end
    local c1, c2 = counter(), counter()
    c1(); c1()
    print(c1(), c2())
    print(("Lua"):rep(2, "-"), ("a,b,,c"):gsub(",", ";"), string.find("goblin", "b(l)i"))
    print(utf8.char(72, 228), math.maxinteger, 7 // 2, 7 / 2, 2^10, 10 % 3)
  `), [
    'hello\t1\t2.5\tnil\ttrue',
    ' 3.14|42  |s|"a\\',
    'b"|ff',
    '1,2,3,4\t4\tt\t4',
    '3\t1',
    'Lua-Lua\ta;b;;c\t3\t5\tl', // gsub's count is cut: only a last call expands
    'Hä\t9223372036854775807\t3\t3.5\t1024.0\t1',
    '',
  ].join('\n'));
});

test('lua_coroutines_resume_yield_wrap_and_report_errors', opts, async () => {
  assert.equal(await chunk(`
    local co = coroutine.create(function(a, b)
      local c = coroutine.yield(a + b)
      local d, e = coroutine.yield(c * 2)
      return d + e
    end)
    print(coroutine.resume(co, 1, 2))
    print(coroutine.resume(co, 10))
    print(coroutine.resume(co, 3, 4))
    print(coroutine.status(co), coroutine.resume(co))
    local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
    print(gen(), gen(), gen())
    local bad = coroutine.create(function() coroutine.yield(1) error("inside") end)
    coroutine.resume(bad)
    print(coroutine.resume(bad))
    print(pcall(coroutine.wrap(function() local x = nil; return x.y end)))
  `), [
    'true\t3',
    'true\t20',
    'true\t7',
    'dead\tfalse\tcannot resume dead coroutine',
    '1\t2\t3',
    'false\t(command line):13: inside',
    'false\t(command line):16: attempt to index a nil value (local \'x\')',
    '',
  ].join('\n'));
});

test('lua_pcall_catches_error_with_its_value', opts, async () => {
  assert.equal(await chunk(`
    print(pcall(error, "x"))
    print(pcall(error, "x", 0))
    print(pcall(function() error("where", 1) end))
    print(select(2, pcall(function() error({code = 7}) end)).code)
    print(pcall(function() return "no error", 2 end))
    print(xpcall(function() error("deep") end, function(m) return "handled: " .. m end))
    print(pcall(function() assert(false, "assertion") end))
    print(pcall(function()
      local ok, e = pcall(error, "inner")
      error("outer after " .. tostring(ok) .. " " .. e, 0)
    end))
    local n = 0
    for i = 1, 10000 do if not pcall(error, i) then n = n + 1 end end
    print(n)
  `), [
    'false\tx',
    'false\tx',
    'false\t(command line):4: where',
    '7',
    'true\tno error\t2',
    'false\thandled: (command line):7: deep',
    'false\t(command line):8: assertion',
    'false\touter after false inner',
    '10000',
    '',
  ].join('\n'));
});

test('lua_pcall_catches_runtime_errors', opts, async () => {
  assert.equal(await chunk(`
    print(pcall(function() local t = nil; return t.field end))
    print(pcall(function() return 1 + {} end))
    print(pcall(function() local f; f() end))
    print(pcall(string.rep))
    print(pcall(function() local function r() return 1 + r() end return r() end))
    -- __index recursing through C until Lua's limit on C calls: the longjmp unwinds ~200 C frames
    local deep = setmetatable({}, {__index = function(t, k) return t[k + 1] end})
    print(pcall(function() return deep[1] end))
    print(pcall(load, "syntax error here"))
    print(load("syntax error here"))
    -- the stack unwound by each error is usable again
    local t = {}
    for i = 1, 100 do pcall(function() t[i] = i; error("e") end) end
    print(#t)
  `), [
    "false\t(command line):2: attempt to index a nil value (local 't')",
    'false\t(command line):3: attempt to perform arithmetic on a table value',
    "false\t(command line):4: attempt to call a nil value (local 'f')",
    "false\tbad argument #1 to 'string.rep' (string expected, got no value)",
    'false\t(command line):6: stack overflow',
    'false\t(command line):8: C stack overflow',
    'true\tnil\t[string "syntax error here"]:1: syntax error near \'error\'',
    'nil\t[string "syntax error here"]:1: syntax error near \'error\'',
    '100',
    '',
  ].join('\n'));
});

test('lua_out_of_memory_under_max_memory_is_an_error_pcall_catches', opts, async () => {
  const out = await chunk(`
    print(pcall(string.rep, "x", 64 * 1024 * 1024))
    local s = string.rep("y", 1024 * 1024)
    print(#s)
  `, { limits: { maxMemory: 16 << 20 } });
  assert.equal(out, 'false\tnot enough memory\n1048576\n');
});

test('lua_uncaught_error_exits_1_with_message_and_traceback_on_stderr', opts, async () => {
  const r = await lua(['-e', 'local t = nil\nprint("before")\nerror("boom")']);
  assert.equal(r.code, 1);
  assert.equal(r.reason, 'exit');
  assert.equal(r.stdout, 'before\n');
  assert.match(r.stderr, /^lua: \(command line\):3: boom\nstack traceback:\n/);
  const nil = await lua(['-e', 'local t; print(t.x)']);
  assert.equal(nil.code, 1);
  assert.match(nil.stderr, /^lua: \(command line\):1: attempt to index a nil value \(local 't'\)\n/);
  const syntax = await lua(['-e', 'print(']);
  assert.equal(syntax.code, 1);
  assert.match(syntax.stderr, /^lua: \(command line\):1: unexpected symbol near <eof>\n/);
  const exit = await lua(['-e', 'os.exit(7)']);
  assert.equal(exit.code, 7);
});

test('lua_io_reads_and_writes_files_in_the_vm_tmp', opts, async () => {
  assert.equal(await chunk(`
    local f = assert(io.open("/tmp/notes.txt", "w"))
    f:write("one\\n", 2, "\\n", 3.5, "\\n")
    f:close()
    local a = assert(io.open("/tmp/notes.txt", "a")); a:write("four\\n"); a:close()
    for line in io.lines("/tmp/notes.txt") do io.write("[", line, "]") end
    print()
    local r = assert(io.open("/tmp/notes.txt"))
    print(r:read("l"), r:read("n"), r:read("n"), r:read("l"), r:read("a"))
    print(r:seek("set", 4), r:read(1), r:seek("end"))
    r:close()
    print(io.open("/tmp/missing.txt"))
    print(os.rename("/tmp/notes.txt", "/tmp/moved.txt"), io.open("/tmp/notes.txt") == nil)
    print(os.remove("/tmp/moved.txt"), os.remove("/tmp/moved.txt"))
    io.output("/tmp/out.txt"); io.write("via io.output"); io.close(); io.output(io.stdout)
    print(io.open("/tmp/out.txt"):read("a"))
  `), [
    '[one][2][3.5][four]',
    'one\t2\t3.5\t\tfour\n',
    '4\t2\t15',
    'nil\t/tmp/missing.txt: No such file or directory\t44',
    'true\ttrue',
    'true\tnil\t/tmp/moved.txt: No such file or directory\t44',
    'via io.output',
    '',
  ].join('\n'));
});

test('lua_os_time_date_clock_and_getenv', opts, async () => {
  const before = Math.floor(Date.now() / 1000);
  const out = await chunk(`
    print(os.time())
    local c0 = os.clock()
    local s = 0
    for i = 1, 2000000 do s = s + i end
    print(os.clock() > c0, c0 >= 0)
    print(os.date("!%Y-%m-%d %H:%M:%S", 86400 * 365))
    print(os.time({year = 2000, month = 1, day = 1, hour = 12}))
    print(os.getenv("GREETING"), os.getenv("NOPE"))
  `, { env: { GREETING: 'hi' } });
  const [now, ...rest] = out.split('\n');
  assert.ok(Math.abs(Number(now) - before) <= 5, `os.time() ${now}, host ${before}`);
  assert.deepEqual(rest, ['true\ttrue', '1971-01-01 00:00:00', '946728000', 'hi\tnil', '']);
});

test('lua_runs_a_script_file_from_argv_with_the_arg_table_and_require', opts, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-lua-'));
  writeFileSync(join(dir, 'main.lua'), [
    'local util = require("util")',
    'print(arg[0], arg[1], arg[2], #arg, arg[-1])',
    'print(util.shout(...))',
  ].join('\n'));
  writeFileSync(join(dir, 'util.lua'), 'return { shout = function(...) return (table.concat({...}, " "):upper()) end }\n');
  const r = await lua(['/app/main.lua', 'one', 'two words'], { ns: `bind '#U${dir}' /app`, env: { LUA_PATH: '/app/?.lua' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '/app/main.lua\tone\ttwo words\t2\tlua\nONE TWO WORDS\n');
  const missing = await lua(['/app/none.lua'], { ns: `bind '#U${dir}' /app` });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^lua: cannot open \/app\/none\.lua: No such file or directory\n/);
});

test('lua_reads_stdin_and_runs_a_script_from_it', opts, async () => {
  assert.equal(await chunk('print(io.read("l")); print(io.read("n") * 2); for l in io.lines() do io.write("<", l, ">") end print()',
    { stdin: source('first line\n21\nx\ny\n') }), 'first line\n42\n<><x><y>\n');
  // stdin is not a terminal, so `lua` alone runs it as a script, as does `lua -`
  const piped = await lua([], { stdin: source('print("from stdin", 1 + 1)') });
  assert.equal(piped.stdout, 'from stdin\t2\n');
  const dash = await lua(['-', 'a'], { stdin: source('print(arg[0], ...)') });
  assert.equal(dash.stdout, '-\ta\n');
});

test('lua_error_after_a_suspended_read_inside_pcall_is_caught', opts, async () => {
  // the read waits on an empty pipe (the VM suspends through JSPI inside the try
  // that pcall set up), then the error unwinds through the resumed stack
  const p = kernel.pipe();
  const w = p.writer();
  const pending = lua(['-e', 'print(pcall(function() local l = io.read("l"); error("got " .. l, 0) end)); print(io.read("l"))'], { stdin: p.reader() });
  await new Promise(resolve => setTimeout(resolve, 20));
  await w.write(new TextEncoder().encode('late\nafter\n'), 0);
  w.close();
  const r = await pending;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'false\tgot late\nafter\n');
});

test('lua_features_wasi_lacks_fail_cleanly', opts, async () => {
  assert.equal(await chunk(`
    print(os.execute())
    print(os.execute("ls"))
    print(pcall(io.popen, "ls"))
    print(io.tmpfile())
    print(pcall(os.tmpname))
    print(pcall(require, "nosuchmodule") == false, package.loadlib("x.so", "f"))
  `), [
    'false',
    'nil\tFunction not implemented\t52',
    "false\t'popen' not supported",
    'nil\tNot supported\t58',
    'false\tunable to generate a unique filename',
    'true\tnil\tdynamic libraries not enabled; check your Lua installation\tabsent',
    '',
  ].join('\n'));
});

test('lua_endless_loop_under_a_fuel_limit_exits_with_the_fuel_code', opts, async () => {
  const r = await lua(['-e', 'while true do end'], { limits: { fuel: 50_000_000 } });
  assert.equal(r.code, EXIT_CODES.fuel);
  assert.equal(r.reason, 'fuel');
  // pcall's try catches only longjmp's tag: running out of fuel is not a Lua error
  const caught = await lua(['-e', 'print(pcall(function() while true do end end)) print("not reached")'], { limits: { fuel: 50_000_000 } });
  assert.equal(caught.code, EXIT_CODES.fuel);
  assert.equal(caught.stdout, '');
  // with the same fuel a short script finishes
  assert.equal(await chunk('print("fits")', { limits: { fuel: 50_000_000 } }), 'fits\n');
});

test('lua_runs_under_goblin_run_with_a_host_dir', opts, async () => {
  assert.ok(existsSync(join(repoDir, 'dist', 'node', 'cli.js')), 'dist/ is not built: run node scripts/build.ts (npm test does)');
  const dir = mkdtempSync(join(tmpdir(), 'goblin-lua-cli-'));
  writeFileSync(join(dir, 'x.lua'), 'print("x.lua", ..., pcall(error, "caught"))\nio.stderr:write("to stderr\\n")\nerror("uncaught")\n');
  const r = await run(['--dir', `${dir}::/app`], luaWasm, ['/app/x.lua', 'arg1']);
  assert.equal(r.stdout, 'x.lua\targ1\tfalse\tcaught\n');
  // lua names itself by argv[0], which goblin run makes the path of the wasm
  assert.match(r.stderr, /^to stderr\n\S*lua\.wasm: \/app\/x\.lua:3: uncaught\nstack traceback:\n/);
  assert.equal(r.code, 1);
});
