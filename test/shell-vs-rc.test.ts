// The shell against Plan 9's rc (Debian's 9base, /usr/lib/plan9/bin/rc): each
// script of a corpus runs under `goblin sh -c` and under rc -c, and their
// standard output, $status (printed by fn sigexit, so an exit counts too) and
// exit code are compared. The scripts use only what both have: the language,
// the builtins, and echo, cat, grep, true and false (Plan 9's own, from 9base,
// on rc's side). Where the two differ on purpose the case says why, and the
// test checks that they still differ as it says: a case that comes to agree
// should lose its note. Skipped where 9base is not installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { goblin } from './lib/run.ts';

const RC = '/usr/lib/plan9/bin/rc';
const hasRc = existsSync(RC);

interface Case {
  name: string;
  script: string;
  /** why Goblin's shell answers otherwise; its stdout and status then differ from rc's */
  differs?: string;
  /** run without the sigexit that prints $status (stdout and exit code are still compared) */
  bare?: boolean;
}

/** rc's status after every case, exit included: what sigexit sees. */
const TRAILER = "fn sigexit { echo '#status' $status }\n";

const corpus: Case[] = [
  { name: 'lists_count_and_subscripts', script: 'x=(a b c); echo $x; echo $#x $x(2) $x(2-) $x(3 1); y=(); echo $#y $#never; z=\'\'; echo $#z; echo $x(5) $x(0) end' },
  { name: 'nested_lists_flatten', script: 'x=(a (b c) ((d))); echo $#x; echo $"x; y=$"x; echo $#y' },
  { name: 'concatenation_pairwise_and_distributive', script: 'echo (a b)^(1 2) (a b c)^.c x^(1 2); stem=(foo bar); echo $stem.c -$stem-' },
  { name: 'quoting_and_comments', script: "echo 'it''s' 'a  b' a'b'c '' end; echo '#' not#comment # comment" },
  { name: 'indirection', script: 'name=x; x=deep; echo $$name' },
  { name: 'for_while_if', script: 'for(i in 1 2 3) echo $i\nx=(a b c); while(! ~ $#x 0) { echo $x(1); x=$x(2-) }\necho $status\nif(~ a a) echo yes\nif not echo no\nif(~ a b) echo yes\nif not echo no' },
  { name: 'switch_cases', script: "fn kind {\n\tswitch($1){\n\tcase *.c\n\t\techo c source\n\tcase *.h '*'\n\t\techo header or star\n\tcase *\n\t\techo other $1\n\t}\n}\nkind x.c; kind y.h; kind '*'; kind z" },
  { name: 'match_patterns_and_status', script: "~ abc a*; echo $status; ~ abc b*; echo $status; ~ b [a-c] && echo class; ~ d [~a-c] && echo negated; ~ x.c '*.c' || echo quoted star; x=(a b); ~ $x 'a b' && echo joined" },
  { name: 'functions_and_star', script: 'fn greet { echo hello $1 from $#* }; greet world x; fn f { echo in $* }; *=(outer); f inner; echo $*' },
  { name: 'local_and_global_assignment', script: 'x=1; x=2 echo $x; echo $x; x=(a b) y=c { echo $x $y }; echo $#y' },
  { name: 'true_false_not_and_or', script: 'true; echo $status; false; echo $status; ! true; echo $status; ! false; echo $status; true && echo and; false && echo never; false || echo or; true || echo never' },
  { name: 'pipeline_statuses_joined_by_bars', script: 'false | true; echo $status; true | false; echo $status; true | true; echo $status; echo a | grep b; echo $status; echo a | cat' },
  { name: 'backquote_splits_on_ifs', script: "x=`{echo a b; echo c}; echo $#x $x; ifs=':' {y=`{echo a:b:c}}; echo $#y $y; x=`{false}; echo $status" },
  { name: 'here_documents', script: "x=world\ncat <<EOF\nhello $x\nEOF\ncat <<'EOF'\nhello $x\nEOF" },
  { name: 'whatis_variables_functions_builtins', script: "x=(a 'b c'); y=one; fn f { echo hi }; whatis x y f cd; whatis nosuch; echo $status" },
  { name: 'cd_failure_status', script: 'cd /nonexistent; echo $status; cd /; echo $status' },
  { name: 'flag_tests_sets_and_clears', script: 'flag e; echo $status; flag x +; flag x; echo $status; flag x -; flag x; echo $status' },
  { name: 'flag_e_ends_at_a_failure', bare: true, script: 'flag e +\nif(false) echo no\nfalse || echo or\n~ a a\necho before\nfalse\necho not reached' },
  {
    name: 'flag_e_with_sigexit',
    script: 'flag e +\necho before\nfalse\necho not reached',
    differs: "9base's rc runs sigexit at -e's exit and then goes on, exit code 0 (its Xeflag calls Xexit, which steps back to rerun the instruction before it once sigexit returns); Goblin's shell ends there, status 1",
  },
  { name: 'eval_and_shift', script: "eval 'x=1; echo' evaluated '$x'; *=(a b c); shift; echo $*; shift 2; echo $#*" },
  { name: 'subshell_keeps_its_variables', script: 'x=1; @{ x=2; echo in $x }; echo $x; @{exit 5}; echo $status' },
  { name: 'exit_with_a_number', script: 'echo before; exit 3; echo not reached' },
  { name: 'exit_with_a_string', script: 'exit oops' },
  { name: 'wait_for_a_job_by_pid', script: '{exit 3} &; wait $apid; echo $status' },
  { name: 'wait_for_all_jobs_leaves_the_status', script: 'false; {exit 3} &; wait; echo $status' },
  { name: 'dot_runs_a_file_in_the_shell', script: "f=/tmp/goblin-vs-rc.$pid; echo 'echo sourced $*; y=set' > $f; . $f a b; echo $y $#*; rm $f" },
  { name: 'redirections_append_and_dup', script: 'f=/tmp/goblin-vs-rc.$pid; echo one > $f; echo two >> $f; cat $f; cat < $f | grep two; rm $f; {echo to err >[1=2]} >[2=1] | cat' },
  { name: 'echo_n_and_builtin_without_a_command', script: 'echo -n a; echo b; builtin; echo $status' },
  { name: 'rc_errors_end_the_script', bare: true, script: 'echo before; echo (a b)^(c d e); echo not reached' },
  { name: 'null_list_in_concatenation_ends_the_script', bare: true, script: 'x=(); echo before; echo a^$x; echo not reached' },
  {
    name: 'a_failed_redirection',
    script: 'cat < /nonexistent; echo after $status',
    differs: "rc takes a file it cannot open as an error that ends a script; Goblin's shell says so, sets $status to can't open /nonexistent and goes on",
  },
  {
    name: 'command_not_found',
    script: 'nosuchcommand; echo $status; fn f { echo f }; fn f; f >[2] /dev/null; echo $status',
    differs: "rc on Unix execs in a child, which exits 1 when execve fails; Goblin's shell finds no program and says so, as whatis does: 'not found'",
  },
  {
    name: 'shift_past_the_end',
    script: '*=(a b); shift 5; echo $status $#*',
    differs: "rc shifts what there is and succeeds; Goblin's shift fails, saying $* has only 2 elements",
  },
];

/** Runs script under rc -c with 9base's tools first on $PATH. */
function underRc(script: string): { out: string; code: number | null } {
  const r = spawnSync(RC, ['-c', script], {
    encoding: 'utf8', timeout: 20_000,
    env: { PATH: '/usr/lib/plan9/bin:/usr/bin:/bin', HOME: '/', PLAN9: '/usr/lib/plan9' },
  });
  return { out: r.stdout, code: r.status };
}

for (const c of corpus) {
  test(`${c.name}${c.differs ? '_differs_on_purpose' : '_as_rc'}`, { skip: !hasRc && `${RC} is not installed (apt-get install 9base)` }, async () => {
    const script = (c.bare ? '' : TRAILER) + c.script;
    const ours = await goblin(['sh', '-c', script]);
    const theirs = underRc(script);
    const mine = { out: ours.stdout, code: ours.code };
    if (c.differs) assert.notDeepEqual(mine, theirs, `they agree now: drop the note (${c.differs})`);
    else assert.deepEqual(mine, theirs, `goblin sh -c (actual) against rc -c (expected) for:\n${c.script}\n${ours.stderr}`);
  });
}
