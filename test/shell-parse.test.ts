import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse, Parser, ShellSyntaxError } from '../src/shell/parse.ts';
import { print, printCmd, printWord } from '../src/shell/print.ts';
import type { Cmd, Redir, Simple, Word } from '../src/shell/ast.ts';

// Tree builders: a string is an unquoted literal.
type W = Word | string;
const lit = (text: string): Word => ({ type: 'lit', text, quoted: false });
const q = (text: string): Word => ({ type: 'lit', text, quoted: true });
const wd = (x: W): Word => (typeof x === 'string' ? lit(x) : x);
const v = (name: W, subscript: W[] | null = null): Word => ({ type: 'var', name: wd(name), subscript: subscript && subscript.map(wd) });
const cat = (...parts: W[]): Word => ({ type: 'concat', parts: parts.map(wd) });
const list = (...items: W[]): Word => ({ type: 'list', items: items.map(wd) });
const sim = (...words: W[]): Simple => ({ type: 'simple', words: words.map(wd), redirs: [] });
const simR = (words: W[], redirs: Redir[]): Simple => ({ type: 'simple', words: words.map(wd), redirs });
const file = (op: '<' | '>' | '>>' | '<>', target: W, fd = op === '>' || op === '>>' ? 1 : 0): Redir =>
  ({ type: 'file', op, fd, target: wd(target) });
const pipe = (left: Cmd, right: Cmd, leftFd = 1, rightFd = 0): Cmd => ({ type: 'pipe', left, right, leftFd, rightFd });
const and = (left: Cmd, right: Cmd): Cmd => ({ type: 'and', left, right });
const or = (left: Cmd, right: Cmd): Cmd => ({ type: 'or', left, right });
const not = (cmd: Cmd): Cmd => ({ type: 'not', cmd });
const block = (...body: Cmd[]): Cmd => ({ type: 'block', body, redirs: [] });
const assign = (name: W, value: W) => ({ type: 'assign' as const, name: wd(name), value: wd(value) });

/** The one command src parses to. */
function one(src: string): Cmd {
  const cmds = parse(src);
  assert.equal(cmds.length, 1, `one command in ${JSON.stringify(src)}`);
  return cmds[0];
}
/** The words of the one simple command src parses to, without the command name. */
function args(src: string): Word[] {
  const c = one('echo ' + src);
  assert.equal(c.type, 'simple');
  return (c as Simple).words.slice(1);
}
function syntaxError(src: string): ShellSyntaxError {
  try {
    parse(src);
  } catch (e) {
    if (e instanceof ShellSyntaxError) return e;
    throw e;
  }
  assert.fail(`no syntax error in ${JSON.stringify(src)}`);
}
function roundTrip(src: string): void {
  const tree = parse(src);
  const text = print(tree);
  assert.deepEqual(parse(text), tree, `printed as:\n${text}`);
  assert.equal(print(parse(text)), text, 'printing is stable');
}

// Simple commands and separators

test('simple_command_words', () => {
  assert.deepEqual(parse('echo hello world'), [sim('echo', 'hello', 'world')]);
  assert.deepEqual(parse('  ls\t-l  '), [sim('ls', '-l')]);
  assert.deepEqual(parse(''), []);
  assert.deepEqual(parse('\n\n;\n'), []);
});

test('separators_semicolon_newline_ampersand', () => {
  assert.deepEqual(parse('a; b\nc & d &'), [sim('a'), sim('b'), { type: 'async', cmd: sim('c') }, { type: 'async', cmd: sim('d') }]);
  assert.deepEqual(parse('a &; b'), [{ type: 'async', cmd: sim('a') }, sim('b')]);
});

test('parser_reads_line_by_line', () => {
  const p = new Parser('a; b\n\n# comment\nc\nif(');
  assert.deepEqual(p.nextLine(), [sim('a'), sim('b')]);
  assert.deepEqual(p.nextLine(), [sim('c')]);
  assert.throws(() => p.nextLine(), ShellSyntaxError);
  assert.equal(new Parser('').nextLine(), null);
});

test('comments', () => {
  assert.deepEqual(parse('echo a # a comment ; b\n# whole line\necho b#c'), [sim('echo', 'a'), sim('echo', 'b')]);
  assert.deepEqual(parse("echo '#not'"), [sim('echo', q('#not'))]);
});

test('line_continuation', () => {
  assert.deepEqual(parse('echo a \\\n  b'), [sim('echo', 'a', 'b')]);
  assert.deepEqual(parse('echo a\\\nb'), [sim('echo', 'a', 'b')], 'backslash-newline is a blank');
  assert.deepEqual(parse('echo a\\b'), [sim('echo', 'a\\b')], 'backslash is otherwise ordinary');
  assert.deepEqual(parse("echo 'a\\\nb'"), [sim('echo', q('a\\\nb'))], 'not inside quotes');
  assert.deepEqual(parse('echo a # c \\\necho b'), [sim('echo', 'a'), sim('echo', 'b')], 'a comment is not continued');
});

// Pipes and conditionals

test('pipes_with_fds', () => {
  assert.deepEqual(one('a | b'), pipe(sim('a'), sim('b')));
  assert.deepEqual(one('a |[2] b'), pipe(sim('a'), sim('b'), 2, 0));
  assert.deepEqual(one('a |[0=2] b'), pipe(sim('a'), sim('b'), 2, 0));
  assert.deepEqual(one('a |[3=4] b'), pipe(sim('a'), sim('b'), 4, 3));
  assert.deepEqual(one('a | b | c'), pipe(pipe(sim('a'), sim('b')), sim('c')), 'left to right');
  assert.deepEqual(one('a |\n\n b'), pipe(sim('a'), sim('b')), 'newlines after |');
});

test('and_or_not_precedence', () => {
  assert.deepEqual(one('a && b || c'), or(and(sim('a'), sim('b')), sim('c')));
  assert.deepEqual(one('a | b && c | d'), and(pipe(sim('a'), sim('b')), pipe(sim('c'), sim('d'))));
  assert.deepEqual(one('! a | b && c'), and(not(pipe(sim('a'), sim('b'))), sim('c')));
  assert.deepEqual(one('a | ! b | c'), pipe(sim('a'), not(pipe(sim('b'), sim('c')))));
  assert.deepEqual(one('a &&\n b ||\n c'), or(and(sim('a'), sim('b')), sim('c')));
  assert.deepEqual(one('!a'), sim('!a'), '! only as a word of its own');
});

test('subshell', () => {
  assert.deepEqual(one('@ a | b'), { type: 'subshell', cmd: pipe(sim('a'), sim('b')) });
  assert.deepEqual(one('@{cd /; ls}'), { type: 'subshell', cmd: block(sim('cd', '/'), sim('ls')) });
});

// Redirections

test('redirections', () => {
  assert.deepEqual(one('cat <in >out'), simR(['cat'], [file('<', 'in'), file('>', 'out')]));
  assert.deepEqual(one('echo >>log x'), simR(['echo', 'x'], [file('>>', 'log')]));
  assert.deepEqual(one('cat <>dev'), simR(['cat'], [file('<>', 'dev')]));
  assert.deepEqual(one('cc x.c >[2]errs'), simR(['cc', 'x.c'], [file('>', 'errs', 2)]));
  assert.deepEqual(one('cc >[2=1] >[1=] <[3=0]'), simR(['cc'], [
    { type: 'dup', op: '>', fd: 2, source: 1 },
    { type: 'close', op: '>', fd: 1 },
    { type: 'dup', op: '<', fd: 3, source: 0 },
  ]));
  assert.deepEqual(one('echo > $d/x.$n'), simR(['echo'], [file('>', cat(v('d'), '/x.', v('n')))]));
  assert.deepEqual(one('>f echo a | tr a b'), {
    type: 'prefixed', prefix: [file('>', 'f')], cmd: pipe(sim('echo', 'a'), sim('tr', 'a', 'b')),
  }, 'a redirection before a command covers the pipeline');
  assert.deepEqual(one('>f'), { type: 'prefixed', prefix: [file('>', 'f')], cmd: null });
  assert.deepEqual(one('{a; b} >f >[2=1]'), {
    type: 'block', body: [sim('a'), sim('b')], redirs: [file('>', 'f'), { type: 'dup', op: '>', fd: 2, source: 1 }],
  });
});

test('here_documents', () => {
  assert.deepEqual(parse('cat <<EOF\nhello $x\n  EOF\nEOF\necho after'), [
    simR(['cat'], [{ type: 'heredoc', fd: 0, marker: 'EOF', quoted: false, body: 'hello $x\n  EOF\n' }]),
    sim('echo', 'after'),
  ]);
  assert.deepEqual(parse("cat <<'END' | wc; echo x\n$y\nEND"), [
    pipe(simR(['cat'], [{ type: 'heredoc', fd: 0, marker: 'END', quoted: true, body: '$y\n' }]), sim('wc')),
    sim('echo', 'x'),
  ]);
  // Two on one line are read in order; a here document inside braces waits for the newline.
  const [c] = parse('{cat <<A; cat <<[3]B\na\nA\nb\nB\n}');
  assert.deepEqual(c, block(
    simR(['cat'], [{ type: 'heredoc', fd: 0, marker: 'A', quoted: false, body: 'a\n' }]),
    simR(['cat'], [{ type: 'heredoc', fd: 3, marker: 'B', quoted: false, body: 'b\n' }]),
  ));
  assert.deepEqual(parse('cat <<E\nE'), [simR(['cat'], [{ type: 'heredoc', fd: 0, marker: 'E', quoted: false, body: '' }])]);
});

test('here_document_body_ready_when_line_returned', () => {
  const p = new Parser('cat <<E\nbody\nE\nnext\n');
  assert.deepEqual(p.nextLine(), [simR(['cat'], [{ type: 'heredoc', fd: 0, marker: 'E', quoted: false, body: 'body\n' }])]);
  assert.deepEqual(p.nextLine(), [sim('next')]);
});

// Compound commands

test('braces', () => {
  assert.deepEqual(one('{a; b\n c}'), block(sim('a'), sim('b'), sim('c')));
  assert.deepEqual(one('{}'), block());
  assert.deepEqual(one('{a} | {b}'), pipe(block(sim('a')), block(sim('b'))));
});

test('if_and_if_not', () => {
  assert.deepEqual(one('if(test -f x) echo yes'), { type: 'if', cond: [sim('test', '-f', 'x')], then: sim('echo', 'yes') });
  assert.deepEqual(one('if (a; b\n c)\n\n  d'), { type: 'if', cond: [sim('a'), sim('b'), sim('c')], then: sim('d') });
  assert.deepEqual(one('if(x) a && b'), { type: 'if', cond: [sim('x')], then: and(sim('a'), sim('b')) }, 'the body takes &&');
  assert.deepEqual(parse('if(x) a\nif not b'), [
    { type: 'if', cond: [sim('x')], then: sim('a') },
    { type: 'ifnot', then: sim('b') },
  ]);
  assert.deepEqual(one('if not\n{b}'), { type: 'ifnot', then: block(sim('b')) });
  assert.deepEqual(one('if(x);'), { type: 'if', cond: [sim('x')], then: block() }, 'an empty body');
  assert.deepEqual(one('echo if not for'), sim('echo', 'if', 'not', 'for'), 'keywords only at the start');
  assert.deepEqual(one("'if' x"), sim(q('if'), 'x'));
  assert.deepEqual(one('not x'), sim('not', 'x'));
});

test('for_loops', () => {
  assert.deepEqual(one('for(i in a b c) echo $i'), { type: 'for', name: lit('i'), list: [lit('a'), lit('b'), lit('c')], body: sim('echo', v('i')) });
  assert.deepEqual(one('for(i) echo $i'), { type: 'for', name: lit('i'), list: null, body: sim('echo', v('i')) });
  assert.deepEqual(one('for(i in) x'), { type: 'for', name: lit('i'), list: [], body: sim('x') });
  assert.deepEqual(one('for (f in *.c)\n{\n\tcc $f\n}'), { type: 'for', name: lit('f'), list: [lit('*.c')], body: block(sim('cc', v('f'))) });
});

test('while_loops', () => {
  assert.deepEqual(one('while(! test -f x) sleep 1'), { type: 'while', cond: [not(sim('test', '-f', 'x'))], body: sim('sleep', '1') });
  assert.deepEqual(one('while() x'), { type: 'while', cond: [], body: sim('x') });
});

test('switch_cases', () => {
  assert.deepEqual(one('switch($1){\ncase a* b\n\techo a\n\techo b\ncase *\n\techo other\n}'), {
    type: 'switch', subject: list(v('1')), cases: [
      { patterns: [lit('a*'), lit('b')], body: [sim('echo', 'a'), sim('echo', 'b')] },
      { patterns: [lit('*')], body: [sim('echo', 'other')] },
    ],
  });
  assert.deepEqual(one('switch $x\n{case a; echo a; case; x}'), {
    type: 'switch', subject: v('x'), cases: [
      { patterns: [lit('a')], body: [sim('echo', 'a')] },
      { patterns: [], body: [sim('x')] },
    ],
  });
  assert.deepEqual(one('switch x {}'), { type: 'switch', subject: lit('x'), cases: [] });
  // case inside a nested block is an ordinary command
  assert.deepEqual(one('switch x {case a; {case b}}'), {
    type: 'switch', subject: lit('x'), cases: [{ patterns: [lit('a')], body: [block(sim('case', 'b'))] }],
  });
});

test('functions', () => {
  assert.deepEqual(one('fn greet { echo hello $1 }'), { type: 'fn', names: [lit('greet')], body: [sim('echo', 'hello', v('1'))] });
  assert.deepEqual(one('fn greet'), { type: 'fn', names: [lit('greet')], body: null });
  assert.deepEqual(one('fn a b {}'), { type: 'fn', names: [lit('a'), lit('b')], body: [] });
  assert.deepEqual(one('fn sighup {\n\trm -f $tmp\n\texit\n}'), { type: 'fn', names: [lit('sighup')], body: [sim('rm', '-f', v('tmp')), sim('exit')] });
});

test('match', () => {
  assert.deepEqual(one('~ $x *.c a?'), { type: 'match', subject: v('x'), patterns: [lit('*.c'), lit('a?')] });
  assert.deepEqual(one('~ $#* 0 && echo none'), and({ type: 'match', subject: { type: 'count', name: lit('*') }, patterns: [lit('0')] }, sim('echo', 'none')));
  assert.deepEqual(one('~$x y'), { type: 'match', subject: v('x'), patterns: [lit('y')] });
});

// Assignments

test('assignments', () => {
  assert.deepEqual(one('a=1'), { type: 'prefixed', prefix: [assign('a', '1')], cmd: null });
  assert.deepEqual(one('a = (x y z)'), { type: 'prefixed', prefix: [assign('a', list('x', 'y', 'z'))], cmd: null });
  assert.deepEqual(one('a=()'), { type: 'prefixed', prefix: [assign('a', list())], cmd: null });
  assert.deepEqual(one('a=1 b=2 cmd x'), { type: 'prefixed', prefix: [assign('a', '1'), assign('b', '2')], cmd: sim('cmd', 'x') });
  assert.deepEqual(one('a=1 >f b=2 cmd'), { type: 'prefixed', prefix: [assign('a', '1'), file('>', 'f'), assign('b', '2')], cmd: sim('cmd') });
  assert.deepEqual(one('x=1 a | b'), { type: 'prefixed', prefix: [assign('x', '1')], cmd: pipe(sim('a'), sim('b')) });
  assert.deepEqual(one('x=1 a && b'), and({ type: 'prefixed', prefix: [assign('x', '1')], cmd: sim('a') }, sim('b')));
  assert.deepEqual(one('x=1 if(a) b'), { type: 'prefixed', prefix: [assign('x', '1')], cmd: { type: 'if', cond: [sim('a')], then: sim('b') } });
  assert.deepEqual(one('a=b=c'), { type: 'prefixed', prefix: [assign('a', cat('b', '=', 'c'))], cmd: null });
  assert.deepEqual(one('$x=1'), { type: 'prefixed', prefix: [assign(v('x'), '1')], cmd: null }, 'indirect');
  assert.deepEqual(one('x= y'), { type: 'prefixed', prefix: [assign('x', 'y')], cmd: null }, 'the value is the next word');
  assert.deepEqual(one('echo a=b = c'), sim('echo', cat('a', '=', 'b'), '=', 'c'), '= is ordinary in arguments');
});

// Words

test('quoting', () => {
  assert.deepEqual(args("'hello world' 'it''s' '' 'a''' ''''"), [q('hello world'), q('it\'s'), q(''), q('a\''), q('\'')]);
  assert.deepEqual(args('"x" a\\b'), [lit('"x"'), lit('a\\b')], 'double quote and backslash are ordinary');
  assert.deepEqual(args("'$x;|' 'a\nb'"), [q('$x;|'), q('a\nb')]);
});

test('glob_metacharacters_stay_marked', () => {
  assert.deepEqual(args("*.c '*'.c '*'^* [ab]? '[ab]?'"), [
    lit('*.c'), cat(q('*'), '.c'), cat(q('*'), '*'), lit('[ab]?'), q('[ab]?'),
  ]);
});

test('variables', () => {
  assert.deepEqual(args('$x $* $1 $#x $#* $"x'), [
    v('x'), v('*'), v('1'), { type: 'count', name: lit('x') }, { type: 'count', name: lit('*') }, { type: 'flat', name: lit('x') },
  ]);
  assert.deepEqual(args('$x(2) $x(2-4) $x($i 1) $x (1)'), [
    v('x', ['2']), v('x', ['2-4']), v('x', [v('i'), '1']), v('x'), list('1'),
  ]);
  assert.deepEqual(args("$$x $'a b' $x_1 $ab*"), [v(v('x')), v(q('a b')), v('x_1'), v('ab*')]);
});

test('free_carets', () => {
  assert.deepEqual(args('$stem.c'), [cat(v('stem'), '.c')]);
  assert.deepEqual(args('-$flags'), [cat('-', v('flags'))]);
  assert.deepEqual(args('$x$y'), [cat(v('x'), v('y'))]);
  assert.deepEqual(args("a'b'c"), [cat('a', q('b'), 'c')]);
  assert.deepEqual(args("$x'y'"), [cat(v('x'), q('y'))]);
  assert.deepEqual(args('$x-y $x/y $x:y $x@y'), [cat(v('x'), '-y'), cat(v('x'), '/y'), cat(v('x'), ':y'), cat(v('x'), '@y')]);
  assert.deepEqual(args('a`{b}c'), [cat('a', { type: 'backquote', sep: null, body: [sim('b')] }, 'c')]);
  assert.deepEqual(args('x<{y}'), [cat('x', { type: 'procsub', dir: '<', body: [sim('y')] })]);
  assert.deepEqual(args('$x(1)b'), [cat(v('x', ['1']), 'b')]);
  assert.deepEqual(args('$stem.c $stem^.c'), [cat(v('stem'), '.c'), cat(v('stem'), '.c')], 'free caret equals explicit');
});

test('explicit_carets', () => {
  assert.deepEqual(args('a^b ^ c'), [cat('a', 'b', 'c')], 'blanks around ^ do not matter');
  assert.deepEqual(args('(a b)^(c d) $x^(1 2)'), [cat(list('a', 'b'), list('c', 'd')), cat(v('x'), list('1', '2'))]);
  assert.deepEqual(args("x^'y'^$z"), [cat('x', q('y'), v('z'))]);
});

test('lists', () => {
  assert.deepEqual(args('(a b c) () ((a) b)'), [list('a', 'b', 'c'), list(), list(list('a'), 'b')]);
  assert.deepEqual(one('(echo) hi'), sim(list('echo'), 'hi'));
});

test('backquote_and_process_substitution', () => {
  assert.deepEqual(args('`{ls -l} `{a; b}'), [
    { type: 'backquote', sep: null, body: [sim('ls', '-l')] },
    { type: 'backquote', sep: null, body: [sim('a'), sim('b')] },
  ]);
  assert.deepEqual(args("`'\n'{cat f} `$ifs{x}"), [
    { type: 'backquote', sep: q('\n'), body: [sim('cat', 'f')] },
    { type: 'backquote', sep: v('ifs'), body: [sim('x')] },
  ]);
  assert.deepEqual(one('cmp <{old} >{new}'), sim('cmp', { type: 'procsub', dir: '<', body: [sim('old')] }, { type: 'procsub', dir: '>', body: [sim('new')] }));
  assert.deepEqual(one('x=`{date}'), { type: 'prefixed', prefix: [assign('x', { type: 'backquote', sep: null, body: [sim('date')] })], cmd: null });
});

test('keywords_as_arguments_concatenate', () => {
  assert.deepEqual(args('for$x @ ~ !'), [cat('for', v('x')), lit('@'), lit('~'), lit('!')]);
});

// Errors

test('syntax_errors_have_line_and_column', () => {
  const cases: [string, number, number, string][] = [
    ['echo a(b)', 1, 7, "syntax error near '('"],
    ['echo (a)b', 1, 9, "syntax error near 'b'"],
    ['echo ok\nfoo\nif x', 3, 4, "syntax error near 'x'"],
    ['echo }', 1, 6, "syntax error near '}'"],
    ['echo {', 1, 6, "syntax error near '{'"],
    ['a && && b', 1, 6, "syntax error near '&&'"],
    ['| a', 1, 1, "syntax error near '|'"],
    ['a | ; b', 1, 5, "syntax error near ';'"],
    ['& a', 1, 1, "syntax error near '&'"],
    ['{a} b', 1, 5, "syntax error near 'b'"],
    ['for x', 1, 5, "syntax error near 'x'"],
    ['for(i on x) y', 1, 7, "syntax error near 'on'"],
    ['a=\nb', 1, 3, 'syntax error near newline'],
    ['echo >\n', 1, 7, 'syntax error near newline'],
    ['echo >[x]f', 1, 6, "syntax error near '>[x'"],
    ['echo >>[2=1]', 1, 6, "syntax error near '>>[2='"],
    ['a |[2=] b', 1, 3, "syntax error near '|[2=]'"],
    ['switch x {\necho a\ncase b\n}', 2, 1, 'case missing in switch'],
    ['cat <<$x\n', 1, 7, "syntax error near '$'"],
    ['  ^x', 1, 3, "syntax error near '^'"],
    ['echo ok; \u00e9\u{1F600} )', 1, 13, "syntax error near ')'"],
  ];
  for (const [src, line, column, what] of cases) {
    const e = syntaxError(src);
    assert.equal(e.message, `rc: line ${line} col ${column}: ${what}`, JSON.stringify(src));
    assert.deepEqual([e.line, e.column, e.incomplete], [line, column, false], JSON.stringify(src));
    assert.equal(e.errno, 'EINVAL');
  }
});

test('incomplete_input_is_marked', () => {
  const cases = [
    '{', 'fn f {\n\techo a', 'echo \'abc', "echo 'it''s", 'a |', 'a &&\n', 'a ||',
    'if(x)', 'if(x', 'if not', 'for(i in a b', 'while(true)\n', 'switch x', 'switch x {\ncase a',
    'echo `{ls', 'cmp <{a', 'echo (a b', 'echo $x(1', 'echo a \\\n', 'cat <<EOF\nline\n', 'cat <<EOF',
    '~', 'x=', '! ', 'echo >', 'echo >[2', '{echo a; echo b', '@',
  ];
  for (const src of cases) {
    const e = syntaxError(src);
    assert.equal(e.incomplete, true, `${JSON.stringify(src)}: ${e.message}`);
  }
  const e = syntaxError("echo a\necho 'b\nc");
  assert.deepEqual([e.line, e.column, e.message], [2, 6, 'rc: line 2 col 6: unterminated quote']);
  const h = syntaxError('x\ncat <<END\nbody');
  assert.deepEqual([h.line, h.column, h.message], [2, 5, "rc: line 2 col 5: here document 'END' not terminated"]);
  // complete once the rest arrives
  assert.doesNotThrow(() => parse('fn f {\n\techo a\n}'));
  assert.doesNotThrow(() => parse('echo a \\\nb'));
});

// The printer

test('printer_writes_rc', () => {
  assert.equal(printWord(cat(v('stem'), '.c')), '$stem^.c');
  assert.equal(printWord(q("it's")), "'it''s'");
  assert.equal(printWord(lit('a b')), "'a b'", 'an unquoted literal that cannot stand bare is quoted');
  assert.equal(printCmd(sim('if', 'x')), "'if' x", 'a keyword as a command name is quoted');
  assert.equal(printCmd(one('x=1 y=(a b) cmd >[2=1] >>f')), 'x=1 y=(a b) cmd >[2=1] >>f');
  assert.equal(printCmd(one('a |[2] b |[3=4] c')), 'a |[2] b |[3=4] c');
  assert.equal(printCmd(one('echo > [x] >> >{y}')), 'echo > [x] >> >{y}');
  assert.equal(print(parse('fn f {echo a}')), 'fn f {echo a}\n');
  assert.equal(print(parse('cat <<E | wc\nx\nE\n')), 'cat <<E | wc\nx\nE\n');
  assert.equal(print(parse('switch($x){case a; echo a; case *; echo b}')),
    'switch($x) {\ncase a\n\techo a\ncase *\n\techo b\n}\n');
});

test('printer_keeps_shape_of_built_trees', () => {
  // Trees parse never builds still print as rc with the same meaning.
  const trees: Cmd[] = [
    pipe(sim('a'), pipe(sim('b'), sim('c'))),
    pipe(and(sim('a'), sim('b')), sim('c')),
    and({ type: 'if', cond: [sim('x')], then: sim('a') }, sim('b')),
    pipe(not(sim('a')), sim('b')),
    not(or(sim('a'), sim('b'))),
    { type: 'if', cond: [sim('x')], then: { type: 'async', cmd: sim('a') } },
  ];
  for (const t of trees) {
    const back = one(printCmd(t));
    assert.deepEqual(back, one(printCmd(back)));
    const strip = (c: Cmd): string => printCmd(c).replaceAll(/[{}]/g, '');
    assert.equal(strip(back), strip(t), printCmd(t));
  }
});

const corpus = [
  'echo hello world',
  'a; b & c\nd &',
  'cc -$flags $stem.c -o $stem >[2=1] | grep -v warning >>log',
  "echo 'it''s' '' a'b'c $x^'y' \"dq\" a\\b",
  'x=(a b c) y=() z=$x(2-3) w=$#x v=$"x',
  '$$x=1; $x(1 $i)=2; (a b)=3',
  'path=(. /bin) cd /tmp && ls -l | wc -l || echo failed',
  '! test -f x | cat && @ {cd /; pwd} | wc',
  'if(~ $#* 0) echo usage >[1=2]\nif not {\n\tfor(i) echo $i\n}',
  'if(test -d $d; ~ $x y) { echo a; echo b } && echo c',
  'for(f in *.[ch] `{ls /tmp}) {\n\tcp $f /backup/$f.bak\n}',
  'for(i in) x; for(i) y',
  'while(! ~ $x done) x=`{read}',
  "switch($1){\ncase -v\n\tverbose=1\ncase -* '-'\n\techo bad flag $1 >[1=2]; exit usage\ncase *\n\tbreak\n}",
  'fn title { echo -n `{basename `{pwd}} }\nfn title\nfn a b {}\nfn sigint sighup { rm -f /tmp/x.$pid; exit }',
  'cat <<EOF >out\nhello $user\n\ttab\nEOF\ncat <<\'X\' | wc\n$not\nX',
  'cmp <{old} <{new} && diff >{cat} x',
  'echo `{echo a; echo b} `\'\n\'{cat f} `$ifs{x}',
  'x=1 y=2 >f <g cmd a | b |[2] c |[0=2] d',
  '>[2]/dev/null {a; b} <>rw >[3=] <[4=1]',
  'a=b=c echo a=b = c',
  'echo for in while if not switch fn ~ ! @ case',
  '{\n\t{\n\t\t{a}\n\t}\n}',
  'x=`{ {a; b} | c } { if(x) y }',
  '@ if(a) b && c',
  'x=1 ! y | z && w',
  '~ $x *.c && echo c || ~ $x (a b) && echo ab',
  'echo $x.c $x$y $x(1)^$y(2) -$x- `{a}b',
  'echo a\\; b\\\\',
  'if(x);\nwhile(y) {}\nif not ;',
  'a &; b &\n{c &}',
  'switch x {}\nswitch `{a} {case; b}',
  'cat <<E1 <<[3]E2\none\nE1\ntwo\nE2',
  '{ cat <<A; echo x\nbody\nA\n}',
  'x=`{cat <<E\nin quotes\nE\n}',
  'echo \'multi\nline\' `{echo a\necho b}',
  'fn g {\n\tswitch($1){\n\tcase a\n\t\tif(b) c\n\t\tif not d\n\t}\n}',
];

test('round_trip_corpus', () => {
  for (const src of corpus) roundTrip(src);
});

test('round_trip_random_sources', () => {
  // Random text over rc's significant characters: parse either throws a
  // ShellSyntaxError or gives a tree that prints back to itself.
  const pieces = [
    ' ', '\n', '\t', ';', '&', '&&', '|', '||', '|[2]', '^', '$', '$#', '$"', '=', '`', '\'', '\'\'',
    '{', '}', '(', ')', '<', '>', '>>', '<>', '>[2=1]', '>[1=]', '<<E\nx\nE\n', '<{', '>{', '#c\n', '\\\n', '\\',
    'a', 'b', 'x.c', '*', '?', '[a]', '1', 'if', 'not', 'for', 'in', 'while', 'switch', 'case', 'fn', '~', '!', '@',
  ];
  fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), parts => {
    const src = parts.join('');
    let tree: Cmd[];
    try {
      tree = parse(src);
    } catch (e) {
      if (e instanceof ShellSyntaxError) return;
      throw e;
    }
    const text = print(tree);
    assert.deepEqual(parse(text), tree, `${JSON.stringify(src)} printed as ${JSON.stringify(text)}`);
  }), { numRuns: 20000 });
});

test('round_trip_generated_programs', () => {
  // Programs from a small rc grammar, nested a few levels: most parse, and all
  // that parse print back to the same tree.
  const { cmd } = fc.letrec<{ word: string; words: string; cmd: string; seq: string }>(t => ({
    word: fc.oneof(
      { depthSize: 'xsmall', withCrossShrink: true },
      fc.constantFrom('a', 'b', 'x.c', '*', '-f', '1', 'in', 'not', 'case', '\'a b\'', '\'\'', '\'it\'\'s\'', '$x', '$*', '$1', '$#x', '$"x', '$x(1 2)', '$$y'),
      fc.tuple(t('word'), t('word')).map(([a, b]) => `${a}^${b}`),
      fc.tuple(t('word'), t('word')).filter(([a, b]) => !/\)$/.test(a) && !b.startsWith('(')).map(([a, b]) => a + b),
      t('words').map(w => `(${w})`),
      t('seq').map(s => `\`{${s}}`),
      t('seq').map(s => `<{${s}}`),
    ),
    words: fc.array(t('word'), { maxLength: 3 }).map(ws => ws.join(' ')),
    cmd: fc.oneof(
      { depthSize: 'xsmall', withCrossShrink: true },
      fc.tuple(fc.constantFrom('echo', 'ls', 'x'), t('words'), fc.constantFrom('', ' >f', ' >[2=1]', ' <$x', ' >>log >[1=]')).map(([c, w, r]) => `${c} ${w}${r}`),
      fc.tuple(t('cmd'), fc.constantFrom(' | ', ' |[2] ', ' && ', ' || ', ' |\n'), t('cmd')).map(([a, op, b]) => a + op + b),
      fc.tuple(fc.constantFrom('! ', '@ ', 'x=1 ', 'y=(a b) ', '>f ', 'if not '), t('cmd')).map(([p, c]) => p + c),
      t('seq').map(s => `{${s}}`),
      fc.tuple(t('seq'), t('cmd')).map(([s, c]) => `if(${s}) ${c}`),
      fc.tuple(t('seq'), t('cmd')).map(([s, c]) => `while(${s})\n${c}`),
      fc.tuple(t('words'), t('cmd')).map(([w, c]) => `for(i in ${w}) ${c}`),
      t('cmd').map(c => `for(i) ${c}`),
      fc.tuple(t('word'), t('words'), t('seq'), t('seq')).map(([w, p, a, b]) => `switch ${w} {\ncase ${p}\n${a}\ncase *\n${b}\n}`),
      t('seq').map(s => `fn f {${s}}`),
      fc.tuple(t('word'), t('words')).map(([w, ws]) => `~ ${w} ${ws}`),
    ),
    seq: fc.array(fc.tuple(t('cmd'), fc.constantFrom('; ', '\n', ' & ')), { maxLength: 3 })
      .map(cs => cs.map(([c, sep]) => c + sep).join('')),
  }));
  let parsed = 0;
  fc.assert(fc.property(cmd, src => {
    let tree: Cmd[];
    try {
      tree = parse(src);
    } catch (e) {
      if (e instanceof ShellSyntaxError) return;
      throw e;
    }
    parsed++;
    const text = print(tree);
    assert.deepEqual(parse(text), tree, `${JSON.stringify(src)} printed as ${JSON.stringify(text)}`);
  }), { numRuns: 3000 });
  assert.ok(parsed > 2500, `only ${parsed} of 3000 parsed`);
});
