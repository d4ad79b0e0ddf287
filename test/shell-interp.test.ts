// The rc interpreter, checked against rc(1): each script runs in a fresh shell over
// the embedded rootfs, and its output, diagnostics and final status are compared.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Kernel } from '../src/wasi/kernel.ts';
import { collect, source } from '../src/kernel/stdio.ts';
import { HostFs } from '../src/node/hostfs.ts';
import { nodeRootfs } from '../src/node/rootfs.ts';
import { open } from '../src/shell/files.ts';
import { complete } from '../src/shell/complete.ts';
import { Shell, type ShellOptions } from '../src/shell/interp.ts';
import { memoryRootfs } from '../src/shell/rootfs.ts';
import { cc } from './lib/cc.ts';
import { exec } from './lib/run.ts';

// One kernel for the file: programs compile once.
const kernel = new Kernel({ hostDir: (path, ro) => new HostFs(path, ro) });
const rootfs = nodeRootfs();

interface Ran { out: string; err: string; status: string; sh: Shell }

function shell(o: Partial<ShellOptions> = {}): { sh: Shell; out: ReturnType<typeof collect>; err: ReturnType<typeof collect> } {
  const out = collect(), err = collect();
  const sh = new Shell({ kernel, rootfs, stdout: out, stderr: err, stdin: source(''), ...o });
  return { sh, out, err };
}

async function rc(script: string, o: Partial<ShellOptions> = {}): Promise<Ran> {
  const { sh, out, err } = shell(o);
  const status = await sh.run(script);
  return { out: out.text(), err: err.text(), status, sh };
}

/** Runs script and checks its standard output (and that nothing went to stderr). */
async function expect(script: string, out: string, status = ''): Promise<void> {
  const r = await rc(script);
  assert.equal(r.err, '', `stderr of ${JSON.stringify(script)}`);
  assert.equal(r.out, out, `output of ${JSON.stringify(script)}`);
  assert.equal(r.status, status, `status of ${JSON.stringify(script)}`);
}

// ---- words and lists

test('variables_are_lists', async () => {
  await expect('x=(a b c); echo $x; echo $#x; echo $x(2); echo $x(2-); echo $x(3 1); echo $"x', 'a b c\n3\nb\nb c\nc a\na b c\n');
  await expect('y=(); echo $#y $#never; z=\'\'; echo $#z', '0 0\n1\n');
  await expect('x=(a (b c) ((d))); echo $#x', '4\n', );
  await expect('x=(a b); echo $x(5) $x(0) end', 'end\n');
  await expect('name=x; x=deep; echo $$name', 'deep\n');
});

test('concatenation_pairwise_and_distributive', async () => {
  await expect('echo (a b)^(1 2)', 'a1 b2\n');
  await expect('echo (a b c)^.c x^(1 2)', 'a.c b.c c.c x1 x2\n');
  await expect('stem=(foo bar); echo $stem.c -$stem-', 'foo.c bar.c -foo- -bar-\n');
  await expect('echo ()^() end', 'end\n');
  const mismatched = await rc('echo (a b)^(c d e); echo not reached');
  assert.equal(mismatched.err, 'rc: mismatched list lengths in concatenation\n');
  assert.equal(mismatched.out, '');
  assert.notEqual(mismatched.status, '');
  const empty = await rc('x=(); echo a^$x');
  assert.equal(empty.err, 'rc: null list in concatenation\n');
});

test('quoting', async () => {
  await expect("echo 'it''s' '$x' 'a  b' a'b'c '' end", "it's $x a  b abc  end\n");
  await expect("x='a b'; echo $#x", '1\n');
  await expect('echo a\\b "q"', 'a\\b "q"\n');
  await expect("echo '#' not#comment # comment", '# not\n', ); // # ends a word and starts a comment
});

test('dollar_star_and_positional', async () => {
  const r = await rc('echo $#* $1 $2 $3; echo $*; shift; echo $*; shift 2; echo $#*', { args: ['a', 'b', 'c'] });
  assert.equal(r.out, '3 a b c\na b c\nb c\n0\n');
  await expect('*=(x y); echo $1 $2', 'x y\n');
});

test('backquote_splits_on_ifs', async () => {
  await expect('x=`{echo a b; echo c}; echo $#x $x', '3 a b c\n');
  await expect("x=`{echo a:b:c}; ifs=':' {y=`{echo a:b:c}}; echo $#x $#y", '1 3\n');
  await expect("x=`'\n'{echo 'one two'; echo three}; echo $#x; echo $x(1)", '2\none two\n');
  await expect('x=`{seq 3}; echo $x', '1 2 3\n');
});

test('process_substitution_names_a_pipe', async () => {
  await expect('cmp <{echo a} <{echo a} && echo same', 'same\n');
  const r = await rc('cmp <{echo a} <{echo b}');
  assert.match(r.out, /^\/fd\/\d+ \/fd\/\d+ differ/);
  assert.equal(r.status, '1');
  await expect('echo hi > >{cat}', 'hi\n');
});

// ---- commands

test('control_flow', async () => {
  await expect('if(~ a a) echo yes\nif not echo no', 'yes\n');
  await expect('if(~ a b) echo yes\nif not echo no', 'no\n');
  await expect('for(i in 1 2 3) echo -n $i; echo', '123\n');
  await expect('for(i in) echo never; echo done', 'done\n');
  // the loop ends with its condition's status
  await expect('x=(a b c); while(! ~ $#x 0) { echo $x(1); x=$x(2-) }', 'a\nb\nc\n', 'false');
  const r = await rc('for(i) echo arg $i', { args: ['p', 'q'] });
  assert.equal(r.out, 'arg p\narg q\n');
  await expect('{echo a; echo b} | wc -l', '      2\n', '|');
  await expect('true && echo and; false && echo never; false || echo or; true || echo never', 'and\nor\n');
  await expect('! false && echo negated; ! true; echo $status', 'negated\nfalse\n');
});

test('switch_and_match', async () => {
  const sw = 'fn kind { switch($1){\ncase *.c\n\techo c source\ncase *.h \'*\'\n\techo header or star\ncase *\n\techo other $1\n} }\n';
  await expect(sw + 'kind x.c; kind y.h; kind \'*\'; kind z', 'c source\nheader or star\nheader or star\nother z\n');
  await expect('~ abc a*; echo $status; ~ abc b*; echo $status', '\nno match\n');
  await expect("~ x.c '*.c' || echo quoted star is literal", 'quoted star is literal\n');
  await expect('~ b [a-c] && ~ d [~a-c] && ~ / ? && echo classes', 'classes\n');
  await expect('x=(a b); ~ $x \'a b\' && echo list joined', 'list joined\n');
});

test('functions', async () => {
  await expect('fn greet { echo hello $1 from $#* }; greet world x', 'hello world from 2\n');
  await expect('fn f { echo in $* }; *=(outer); f inner; echo $*', 'in inner\nouter\n');
  await expect('fn fact { if(~ $1 xxx) echo done; if not fact x$1 }; fact x', 'done\n');
  await expect('fn f { echo f }; fn f; f >[2] /dev/null; echo $status', 'not found\n');
  await expect('fn a b { echo same body }; a; b', 'same body\nsame body\n');
  await expect('fn ls { echo shadowed }; ls; builtin ls / | wc -l', 'shadowed\n      8\n', '|');
});

test('local_and_global_assignment', async () => {
  await expect('x=1; x=2 echo $x; echo $x', '2\n1\n');
  await expect('x=(a b) y=c { echo $x $y }; echo $#x $#y', 'a b c\n0 0\n');
  await expect('x=1 {x=2}; echo $x', '\n');
  await expect('x=1; @{ x=2 }; echo $x', '1\n');
});

test('redirections', async () => {
  await expect('echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f; wc -l < /tmp/f', 'one\ntwo\n      2\n');
  await expect('{echo a; echo b} > /tmp/g; cat /tmp/g', 'a\nb\n');
  await expect('cat /nonexistent >[2] /tmp/e; cat /tmp/e | wc -l', '      1\n', '|');
  await expect('cat /nonexistent >[2=1] | wc -l', '      1\n', '1|');
  await expect('cat /nonexistent >/dev/null >[2=1]; echo after', 'after\n');
  const order = await rc('cat /nonexistent >[2=1] >/dev/null');
  // left to right: fd 2 becomes what fd 1 was (the output), then fd 1 goes to /dev/null
  assert.match(order.out, /nonexistent/);
  assert.equal(order.err, '');
  await expect('>/tmp/empty; wc -c < /tmp/empty', '      0\n');
  await expect('x=world; cat <<EOF\nhello $x and $x^s\nEOF', 'hello world and worlds\n');
  await expect("cat <<'EOF'\nhello $x\nEOF", 'hello $x\n');
  const closed = await rc('echo hi >[1=]');
  assert.equal(closed.out, '');
  assert.notEqual(closed.status, '');
  const missing = await rc('cat < /nope; echo $status');
  assert.equal(missing.err, "rc: can't open /nope: file does not exist\n");
  assert.equal(missing.out, "can't open /nope\n");
});

test('pipes_with_fds', async () => {
  await expect('echo hello | tr a-z A-Z | cat', 'HELLO\n', '||');
  await expect('cat /nonexistent |[2] wc -l', '      1\n', '1|');
  await expect('seq 1 5 | sort -r | head -n 2', '5\n4\n', '||');
});

test('yes_into_head_ends', async () => {
  await expect('yes | head -n 3', 'y\ny\ny\n', '1|');
  await expect('yes abc | head -n 2 | wc -l', '      2\n', '1||');
});

test('statuses', async () => {
  await expect('true; echo $status; false; echo $status', '\n1\n');
  await expect('false | true; echo $status', '1|\n');
  // as rc: the statuses joined by |, even when every one is empty
  await expect('true | true; echo $status; true | false | true; echo $status', '|\n|1|\n');
  const nf = await rc('nosuchcommand; echo $status');
  assert.equal(nf.err, 'rc: nosuchcommand: not found\n');
  assert.equal(nf.out, 'not found\n');
  assert.equal((await rc('exit 3; echo no')).status, '3');
  assert.equal((await rc('false')).status, '1');
  await expect('@{exit 5}; echo $status', '5\n');
  await expect('status=0; ~ $status 0 && echo set', 'set\n');
});

test('syntax_errors_stop_the_script', async () => {
  const r = await rc('echo before\necho (a\necho after');
  assert.equal(r.out, 'before\n');
  assert.equal(r.err, 'rc: line 2 col 8: syntax error near newline\n');
  const r2 = await rc('echo ok\nif x');
  assert.equal(r2.err, "rc: line 2 col 4: syntax error near 'x'\n");
  assert.notEqual(r2.status, '');
});

// ---- globbing

test('globbing_against_the_namespace', async () => {
  const setup = 'touch /tmp/a.c /tmp/b.c /tmp/c.h /tmp/.hidden; mkdir /tmp/d; touch /tmp/d/x.c; cd /tmp;';
  await expect(`${setup} echo *.c`, 'a.c b.c\n');
  await expect(`${setup} echo ?.h [ab].c [~a].c`, 'c.h a.c b.c b.c\n');
  await expect(`${setup} echo /tmp/*.c */*.c`, '/tmp/a.c /tmp/b.c d/x.c\n');
  await expect(`${setup} echo *.x '*.c' *'.c'`, '*.x *.c a.c b.c\n');
  await expect(`${setup} x='*.c'; echo $x; echo $x^''`, '*.c\n*.c\n');
  // matching comes after concatenation (rc(1): x=/tmp echo $x^/*.c matches /tmp/*.c)
  await expect(`${setup} y=.c; echo *$y; x=/tmp echo $x^/*.c`, 'a.c b.c\n/tmp/a.c /tmp/b.c\n');
  await expect(`${setup} echo .h*; ls -d /b?n`, '.hidden\n/bin\n');
  await expect(`${setup} for(f in *.c) echo file $f`, 'file a.c\nfile b.c\n');
});

// ---- builtins

test('cd_and_relative_paths', async () => {
  await expect('mkdir /tmp/sub; cd /tmp/sub; echo x > f; cd ..; cat < sub/f; cd; echo b*', 'x\nbin\n');
  const r = await rc('cd /nowhere; echo $status');
  assert.equal(r.err, 'cd: /nowhere: file does not exist\n');
  assert.equal(r.out, "can't cd\n");
  await expect('cdpath=(/ /tmp); cd bin; echo ok', '/bin\nok\n');
});

test('bind_and_ns', async () => {
  await expect('mkdir /tmp/a; touch /tmp/a/file; bind /tmp/a /mnt; ls /mnt', '/mnt/file\n');
  await expect('mkdir /tmp/b; touch /tmp/b/more; bind -a /tmp/b /bin; ls /bin/more; ns | grep tmp/b', "/bin/more\nbind -a /tmp/b /bin\n", '|');
  await expect('ns | sed -n 1,6p', "bind '#c' /dev\nbind -c '#e' /env\nbind '#p' /proc\nbind -c '#t' /tmp\nbind '#b' /bin\nbind '#d' /fd\n", '|');
  await expect('mkdir /tmp/a; bind /tmp/a /mnt; unmount /mnt; ls /mnt | wc -l', '      0\n', '|');
  const r = await rc('bind /nope /mnt; echo $status');
  assert.equal(r.err, 'bind: file does not exist\n');
});

test('rfork_n_gives_a_private_namespace', async () => {
  // A subshell shares the namespace, as a Plan 9 child does...
  await expect('mkdir /tmp/a; touch /tmp/a/f; @{bind /tmp/a /mnt}; ls /mnt', '/mnt/f\n');
  // ...until it forks its own.
  await expect('mkdir /tmp/a; touch /tmp/a/f; @{rfork n; bind /tmp/a /mnt; ls /mnt}; ls /mnt | wc -l', '/mnt/f\n      0\n', '|');
  await expect('rfork n; bind -a /tmp /bin; ns | tail -n 1', 'bind -a /tmp /bin\n', '|');
  await expect('bind /tmp /bin; rfork N; ls -d /bin/echo', '/bin/echo\n');
});

test('dot_eval_whatis', async () => {
  await expect("echo 'echo sourced $*; y=set' > /tmp/s.rc; . /tmp/s.rc a b; echo $y $#*", 'sourced a b\nset 0\n');
  await expect("eval 'x=1; echo' evaluated '$x'", 'evaluated 1\n');
  await expect('x=(a \'b c\'); fn f { echo hi }; whatis x f cd echo', "x=(a 'b c')\nfn f {echo hi}\nbuiltin cd\n/bin/echo\n");
  const r = await rc('whatis nothing');
  assert.equal(r.err, 'nothing: not found\n');
});

test('background_jobs_and_wait', async () => {
  await expect('echo bg > /tmp/o &; ~ $apid [0-9]* && echo apid; wait; cat /tmp/o', 'apid\nbg\n');
  await expect('{false} &; wait $apid; echo $status', '1\n');
  // as rc: wait for one job gives its status, wait for all leaves $status as it was
  await expect('false; {exit 3} &; wait; echo $status', '1\n');
});

test('scripts_with_hash_bang_run_as_rc', async () => {
  await expect("echo '#!/bin/rc' > /tmp/t; echo 'echo script $*' >> /tmp/t; /tmp/t a b; cd /tmp; ./t c", 'script a b\nscript c\n');
});

// ---- the environment

/** Puts test/c/NAME.c, compiled, at path in the shell's namespace. */
async function install(sh: Shell, name: string, path: string): Promise<void> {
  const h = await open(sh.top.space.ns, path, '>');
  await h.write(new Uint8Array(readFileSync(cc(name))), 0);
  h.close();
}

test('exported_environment_and_env_files', async () => {
  const { sh, out, err } = shell();
  await install(sh, 'sh_env', '/tmp/env');
  await sh.run('x=(a b) y=one; empty=(); cd /tmp; z=local /tmp/env x y z empty PWD; cat /env/x; echo');
  assert.equal(err.text(), '');
  assert.equal(out.text(), 'x=a|b\ny=one\nz=local\nempty unset\nPWD=/tmp\na\x01b\n');
});

test('programs_get_the_working_directory_as_PWD', async () => {
  // wasi-libc starts every program in /; one that does chdir($PWD) sees the shell's directory.
  const { sh, out, err } = shell();
  await install(sh, 'sh_cwd', '/tmp/cwd');
  await sh.run('mkdir /tmp/d; echo inside > /tmp/d/f; cd /tmp/d; /tmp/cwd f ../d/f');
  assert.equal(err.text(), '');
  assert.equal(out.text(), 'inside\ninside\n');
});

test('pid_and_status_variables', async () => {
  const r = await rc('echo $pid; ~ $pid [0-9]* && echo numeric');
  assert.match(r.out, /^\d+\nnumeric\n$/);
});

test('interrupt_kills_the_foreground_only', async () => {
  const { sh, out } = shell();
  const bg = await sh.run('yes >/dev/null &');
  assert.equal(bg, '');
  const running = sh.run('yes > /dev/null; echo not reached');
  // wait (without timing) until the foreground yes is a VM, then interrupt
  const yeses = () => [...kernel.procs.values()].filter(v => v.name === 'yes');
  while (yeses().length < 2) await new Promise(r => setImmediate(r));
  sh.interrupt();
  assert.equal(await running, 'interrupted');
  assert.equal(yeses().length, 1, 'the background yes runs on');
  assert.equal(await sh.run('echo again'), '');
  assert.equal(out.text(), 'again\n');
  for (const v of yeses()) v.kill();
});

// ---- streaming

/** Runs script in a fresh Node process; answers its output, status and peak rss (KiB). */
async function inChild(script: string): Promise<{ out: string; status: string; maxRss: number }> {
  const url = (rel: string) => JSON.stringify(new URL(rel, import.meta.url).href);
  const code = `
    import { Kernel } from ${url('../src/wasi/kernel.ts')};
    import { collect } from ${url('../src/kernel/stdio.ts')};
    import { nodeRootfs } from ${url('../src/node/rootfs.ts')};
    import { Shell } from ${url('../src/shell/interp.ts')};
    const out = collect(), err = collect();
    const sh = new Shell({ kernel: new Kernel(), rootfs: nodeRootfs(), stdout: out, stderr: err });
    const status = await sh.run(${JSON.stringify(script)});
    process.stdout.write(JSON.stringify({ out: out.text() + err.text(), status, maxRss: process.resourceUsage().maxRSS }));
  `;
  const r = await exec(process.execPath, ['--input-type=module', '-e', code], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('100_MiB_through_a_three_VM_pipeline_in_bounded_memory', async () => {
  const small = await inChild('cat /dev/zero | head -c 1048576 | wc -c');
  const big = await inChild('cat /dev/zero | head -c 104857600 | wc -c');
  assert.equal(small.out.trim(), '1048576');
  assert.equal(big.out.trim(), '104857600');
  // cat ends on EPIPE once head has its bytes
  assert.equal(big.status, '1||');
  const growth = big.maxRss - small.maxRss;
  assert.ok(growth < 48 * 1024, `peak rss grew by ${growth} KiB moving 100 MiB (1 MiB: ${small.maxRss} KiB, 100 MiB: ${big.maxRss} KiB)`);
});

test('a_rootfs_from_memory_serves_bin', async () => {
  // what a browser build does: /bin from bytes, read-only
  const bin = memoryRootfs({ echo: new Uint8Array(readFileSync(new URL('../rootfs/bin/echo', import.meta.url))) });
  const r = await rc('echo from memory; ls; echo x > /bin/echo', { rootfs: bin });
  assert.equal(r.out, 'from memory\n');
  assert.equal(r.err, 'rc: ls: not found\nrc: can\'t open /bin/echo: read-only file system\n');
});

test('programs_start_in_the_shell_directory', async () => {
  await expect("cd /tmp; mkdir d; cd d; pwd; echo deep > f; cat f; cd ..; cat d/f; ls d", '/tmp/d\ndeep\ndeep\nd/f\n');
});

// ---- rc's flags, notes and processes

test('flag_tests_sets_and_clears_a_flag', async () => {
  await expect('flag e; echo $status; flag e +; flag e && echo set; flag e -; flag e; echo $status', 'flag not set\nset\nflag not set\n');
  await expect('flag c; echo $status', 'flag not set\n');
  const c = await rc('flag c && echo c; flag x; echo $status', { flags: 'c' });
  assert.equal(c.out, 'c\nflag not set\n');
  const usage = await rc('flag; flag ab +; flag e on');
  assert.equal(usage.err, 'usage: flag [letter] [+-]\n'.repeat(3));
});

test('flag_e_ends_the_shell_when_a_command_fails_outside_a_condition', async () => {
  await expect('flag e +; if(false) echo no; false || echo or; while(false) echo no; x=`{false}; ! true; echo still here', 'or\nstill here\n');
  const cases: [string, string, string][] = [
    ['echo before; false; echo not reached', 'before\n', '1'],
    ['~ a b; echo not reached', '', 'no match'],
    // as rc: the ~ and the command under ! are checked, not what ! makes of them
    ['! ~ a b; echo not reached', '', 'no match'],
    ['false | true; echo last succeeded; true | false; echo not reached', 'last succeeded\n', '1'],
    ['@{false}; echo not reached', '', '1'],
    ['fn f { false; echo not reached }; f; echo not reached', '', '1'],
    ['{false; echo not reached} &; wait $apid || echo the job ended', 'the job ended\n', ''],
  ];
  for (const [script, out, status] of cases) {
    const r = await rc(`flag e +; ${script}`);
    assert.deepEqual([r.out, r.status, r.sh.exited], [out, status, status !== ''], script);
  }
  const opt = await rc('false; echo not reached', { flags: 'e' });
  assert.deepEqual([opt.out, opt.status], ['', '1']);
});

test('flag_x_prints_each_command_before_it_runs', async () => {
  const r = await rc("flag x +; x=(a 'b c'); echo $x >/dev/null; fn f { echo in f }; f");
  assert.equal(r.out, 'in f\n');
  assert.equal(r.err, "echo a 'b c'\nf\necho in f\n");
});

test('sigexit_runs_once_when_the_shell_ends', async () => {
  const { sh, out } = shell();
  await sh.run('fn sigexit { echo bye $status; false }; echo hi; @{exit 2}; {exit 4} &; wait; exit 3');
  assert.equal(out.text(), 'hi\n', 'forks end without it');
  assert.equal(await sh.end(), '3', 'what sigexit does leaves the status');
  assert.equal(await sh.end(), '3');
  assert.equal(out.text(), 'hi\nbye 3\n');
  const none = shell();
  await none.sh.run('echo x; false');
  assert.equal(await none.sh.end(), '1');
});

/** Waits (without timing) until the kernel runs a VM named name, and answers it. */
async function running(name: string, pid?: number) {
  for (;;) {
    const vm = [...kernel.procs.values()].find(v => v.name === name && (pid === undefined || v.pid === pid));
    if (vm) return vm;
    await new Promise(r => setImmediate(r));
  }
}

test('notes_run_their_functions_or_stop_and_end_the_shell', async () => {
  // idle: the function runs at once
  const idle = shell();
  await idle.sh.run('fn sighup { echo hup $* }; *=(a b)');
  assert.equal(idle.sh.note('sighup'), false);
  await idle.sh.idle();
  assert.equal(idle.out.text(), 'hup a b\n');
  // an interrupt with fn sigint kills the foreground's VMs, runs it, and the script goes on
  const int = shell();
  const done = int.sh.run('fn sigint { echo caught; false }; yes > /dev/null; echo after $status');
  await running('yes');
  int.sh.note('sigint');
  assert.equal(await done, '');
  assert.equal(int.out.text(), 'caught\nafter 137\n');
  // without a function a hangup or termination stops the foreground and ends the shell, sigexit or not
  const term = shell();
  const killed = term.sh.run('fn sigexit { echo bye }; yes > /dev/null; echo not reached');
  await running('yes');
  assert.equal(term.sh.note('sigterm'), true);
  assert.equal(await killed, 'terminated');
  assert.equal(term.sh.exited, true);
  await term.sh.end();
  assert.equal(term.out.text(), '');
});

test('the_shell_and_its_jobs_are_processes_in_proc', async () => {
  const { sh, out } = shell();
  const p = sh.pid;
  await sh.run('cat /proc/$pid/status; ls /proc/$pid; ns $pid | sed -n 1p');
  assert.equal(out.text(), `rc ${p} running\n/proc/${p}/ctl\n/proc/${p}/ns\n/proc/${p}/status\nbind '#c' /dev\n`);
  // a job of one command: its VM has the job's pid, $apid
  await sh.run('yes > /dev/null &');
  const apid = Number(sh.top.get('apid')[0]);
  await running('yes', apid);
  await sh.run('echo kill > /proc/$apid/ctl; wait $apid; echo $status');
  assert.match(out.text(), /\n137\n$/);
  // a job of more commands is an rc of its own; kill stops the job
  await sh.run('{sleep 10; echo not reached} &; cat /proc/$apid/status; echo kill > /proc/$apid/ctl; wait $apid; echo $status');
  assert.match(out.text(), /\nrc \d+ running\nkilled\n$/);
  // killing the shell stops what it runs, and the shell goes on
  assert.equal(await sh.run('echo kill > /proc/$pid/ctl; echo not reached'), 'killed');
  assert.equal(await sh.run('echo again'), '');
  assert.match(out.text(), /killed\nagain\n$/);
  sh.close();
  assert.ok(![...kernel.procInfo(sh.group)].some(x => x.pid === p), 'a closed shell leaves /proc');
});

test('completion_offers_commands_and_paths_in_the_namespace', async () => {
  const { sh } = shell();
  await sh.run('fn hello { }; mkdir /tmp/dir; touch /tmp/file /tmp/.dot; cd /tmp');
  assert.deepEqual(await complete(sh, 'ech'), [['echo'], 'ech']);
  assert.deepEqual(await complete(sh, 'x=1; hel'), [['hello'], 'hel']);
  assert.deepEqual(await complete(sh, 'if(te'), [['tee', 'test'], 'te']);
  assert.deepEqual(await complete(sh, 'wh'), [['whatis'], 'wh']);
  assert.deepEqual(await complete(sh, 'ls /b'), [['/bin/'], '/b']);
  assert.deepEqual(await complete(sh, 'cat /bin/sl'), [['/bin/sleep'], '/bin/sl']);
  assert.deepEqual(await complete(sh, 'cat '), [['dir/', 'file'], '']);
  assert.deepEqual(await complete(sh, 'cat .'), [['.dot'], '.']);
  assert.deepEqual(await complete(sh, 'cat < d'), [['dir/'], 'd']);
  assert.deepEqual(await complete(sh, 'echo $ho'), [[], '$ho']);
  assert.deepEqual(await complete(sh, 'cat /nowhere/x'), [[], '/nowhere/x']);
});
