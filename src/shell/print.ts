// The tree back into rc source, for whatis and for tests: parse(print(t)) equals t
// for every tree parse returns.
//
// Carets are always written (rc's own whatis does the same): $stem.c prints as
// $stem^.c. Comments and blank lines are gone. A body prints on one line when it is
// short and simple, otherwise one command a line, indented by tabs. A here
// document's body follows the next newline written.
//
// Trees not made by parse may need braces to keep their shape (a pipe as the right
// operand of a pipe, an if before &&); the printer adds them, which turns the
// operand into a Block with the same meaning.
import type { Cmd, HereDoc, Redir, Word } from './ast.ts';
import { keywords } from './ast.ts';
import { isWordChar } from './lex.ts';

/** A script: one line per command, each ending in a newline. */
export function print(cmds: Cmd[]): string {
  const o = new Out();
  for (const c of cmds) { seqItem(o, c); o.nl(); }
  return o.text();
}

/** One command, on as few lines as it needs, without a final newline. */
export function printCmd(c: Cmd): string {
  const o = new Out();
  cmd(o, c);
  return o.text();
}

export function printWord(w: Word): string {
  const o = new Out();
  word(o, w);
  return o.text();
}

class Out {
  private s = '';
  private depth = 0;
  private fresh = true;
  private here: HereDoc[] = [];

  put(text: string): void {
    if (this.fresh && text) { this.s += '\t'.repeat(this.depth); this.fresh = false; }
    this.s += text;
  }
  nl(): void {
    // A word ending in a backslash must not turn the newline into a continuation.
    this.s += this.s.endsWith('\\') ? ' \n' : '\n';
    for (const h of this.here) this.s += h.body + h.marker + '\n';
    this.here = [];
    this.fresh = true;
  }
  hereDoc(h: HereDoc): void {
    this.here.push(h);
  }
  indent(d: number): void {
    this.depth += d;
  }
  text(): string {
    if (this.here.length) this.nl();
    return this.s;
  }
}

const maxInline = 60;

/** Text of cmds on one line, if they all fit there; else null. */
function inline(cmds: Cmd[], sep = '; '): string | null {
  if (!cmds.every(flat)) return null;
  const o = new Out();
  cmds.forEach((c, i) => {
    if (i) o.put(cmds[i - 1].type === 'async' ? ' ' : sep);
    seqItem(o, c);
  });
  const s = o.text();
  return cmds.length <= 1 || s.length <= maxInline ? s : null;
}

/** Whether c prints without a newline of its own (here documents count as one). */
function flat(c: Cmd): boolean {
  switch (c.type) {
    case 'simple': return c.words.every(flatWord) && c.redirs.every(flatRedir);
    case 'block': return inline(c.body) !== null && c.redirs.every(flatRedir);
    case 'pipe': case 'and': case 'or': return flat(c.left) && flat(c.right);
    case 'not': case 'subshell': case 'async': return flat(c.cmd);
    case 'prefixed':
      return c.prefix.every(p => p.type === 'assign' ? flatWord(p.name) && flatWord(p.value) : flatRedir(p))
        && (c.cmd === null || flat(c.cmd));
    case 'if': case 'while': return inline(c.cond) !== null && flat(c.type === 'if' ? c.then : c.body);
    case 'ifnot': return flat(c.then);
    case 'for': return flatWord(c.name) && (c.list ?? []).every(flatWord) && flat(c.body);
    case 'match': return flatWord(c.subject) && c.patterns.every(flatWord);
    case 'fn': return c.names.every(flatWord) && (c.body === null || inline(c.body) !== null);
    case 'switch': return false;
  }
}

function flatRedir(r: Redir): boolean {
  return r.type === 'heredoc' ? false : r.type !== 'file' || flatWord(r.target);
}

function flatWord(w: Word): boolean {
  switch (w.type) {
    case 'lit': return true;
    case 'var': return flatWord(w.name) && (w.subscript ?? []).every(flatWord);
    case 'count': case 'flat': return flatWord(w.name);
    case 'concat': return w.parts.every(flatWord);
    case 'list': return w.items.every(flatWord);
    case 'backquote': return (w.sep === null || flatWord(w.sep)) && inline(w.body) !== null;
    case 'procsub': return inline(w.body) !== null;
  }
}

/** { cmds }, on one line or as an indented block. */
function braced(o: Out, cmds: Cmd[]): void {
  const one = inline(cmds);
  if (one !== null) { o.put(`{${one}}`); return; }
  o.put('{');
  o.nl();
  o.indent(1);
  for (const c of cmds) { seqItem(o, c); o.nl(); }
  o.indent(-1);
  o.put('}');
}

/** ( cmds ) of if and while. */
function paren(o: Out, cmds: Cmd[]): void {
  const one = inline(cmds);
  if (one !== null) { o.put(`(${one})`); return; }
  o.put('(');
  o.nl();
  o.indent(1);
  for (const c of cmds) { seqItem(o, c); o.nl(); }
  o.indent(-1);
  o.put(')');
}

function seqItem(o: Out, c: Cmd): void {
  if (c.type === 'async') {
    operand(o, c.cmd, c.cmd.type === 'async');
    o.put(' &');
  } else cmd(o, c);
}

/**
 * What a command swallows when more follows it on the line: 2 if | && and ||
 * (its last part is an if, for, while or if not), 1 if | (a !, @ or prefix), else 0.
 */
function greed(c: Cmd): number {
  switch (c.type) {
    case 'if': case 'ifnot': case 'for': case 'while': return 2;
    case 'not': case 'subshell': return Math.max(1, greed(c.cmd));
    case 'prefixed': return c.cmd ? Math.max(1, greed(c.cmd)) : 1;
    case 'pipe': case 'and': case 'or': return greed(c.right);
    default: return 0;
  }
}

/** c where it must keep its shape, in braces when wrap says it would not. */
function operand(o: Out, c: Cmd, wrap: boolean): void {
  if (wrap) braced(o, [c]);
  else cmd(o, c);
}

const isAndOr = (c: Cmd): boolean => c.type === 'and' || c.type === 'or' || c.type === 'async';

function cmd(o: Out, c: Cmd): void {
  switch (c.type) {
    case 'simple': {
      // An = starting the second word would make an assignment of the first: keep
      // the redirections between them (they came from there), or quote it.
      const eq = c.words.length > 1 && printWord(c.words[1]).startsWith('=');
      c.words.forEach((w, i) => {
        if (i) o.put(' ');
        // An unquoted keyword first would start a different command.
        if (i === 0 && w.type === 'lit' && !w.quoted && keywords.has(w.text)) o.put(quote(w.text));
        else if (i === 1 && eq && !c.redirs.length && w.type === 'lit') o.put(quote(w.text));
        else word(o, w);
        if (i === 0 && eq) for (const r of c.redirs) { o.put(' '); redir(o, r); }
      });
      if (!eq) for (const r of c.redirs) { o.put(' '); redir(o, r); }
      return;
    }
    case 'block':
      braced(o, c.body);
      for (const r of c.redirs) { o.put(' '); redir(o, r); }
      return;
    case 'pipe':
      operand(o, c.left, isAndOr(c.left) || greed(c.left) > 0);
      o.put(c.rightFd !== 0 ? ` |[${c.rightFd}=${c.leftFd}] ` : c.leftFd !== 1 ? ` |[${c.leftFd}] ` : ' | ');
      operand(o, c.right, isAndOr(c.right) || c.right.type === 'pipe');
      return;
    case 'and': case 'or':
      operand(o, c.left, c.left.type === 'async' || greed(c.left) > 1);
      o.put(c.type === 'and' ? ' && ' : ' || ');
      operand(o, c.right, isAndOr(c.right));
      return;
    case 'not': case 'subshell':
      o.put(c.type === 'not' ? '! ' : '@ ');
      operand(o, c.cmd, isAndOr(c.cmd));
      return;
    case 'async':
      braced(o, [c]);
      return;
    case 'prefixed':
      c.prefix.forEach((p, i) => {
        if (i) o.put(' ');
        if (p.type === 'assign') {
          word(o, p.name);
          o.put('=');
          word(o, p.value);
        } else redir(o, p);
      });
      if (c.cmd) {
        o.put(' ');
        operand(o, c.cmd, isAndOr(c.cmd));
      }
      return;
    case 'if':
      o.put('if');
      paren(o, c.cond);
      o.put(' ');
      operand(o, c.then, c.then.type === 'async');
      return;
    case 'ifnot':
      o.put('if not ');
      operand(o, c.then, c.then.type === 'async');
      return;
    case 'while':
      o.put('while');
      paren(o, c.cond);
      o.put(' ');
      operand(o, c.body, c.body.type === 'async');
      return;
    case 'for':
      o.put('for(');
      word(o, c.name);
      if (c.list) {
        o.put(' in');
        for (const w of c.list) { o.put(' '); word(o, w); }
      }
      o.put(') ');
      operand(o, c.body, c.body.type === 'async');
      return;
    case 'switch':
      o.put('switch');
      if (c.subject.type !== 'list') o.put(' ');
      word(o, c.subject);
      o.put(' {');
      o.nl();
      for (const k of c.cases) {
        o.put('case');
        for (const w of k.patterns) { o.put(' '); word(o, w); }
        o.nl();
        o.indent(1);
        for (const b of k.body) { seqItem(o, b); o.nl(); }
        o.indent(-1);
      }
      o.put('}');
      return;
    case 'match':
      o.put('~ ');
      word(o, c.subject);
      for (const w of c.patterns) { o.put(' '); word(o, w); }
      return;
    case 'fn':
      o.put('fn');
      for (const w of c.names) { o.put(' '); word(o, w); }
      if (c.body) { o.put(' '); braced(o, c.body); }
      return;
  }
}

function redir(o: Out, r: Redir): void {
  if (r.type === 'dup' || r.type === 'close') {
    o.put(`${r.op}[${r.fd}=${r.type === 'dup' ? r.source : ''}]`);
    return;
  }
  const op = r.type === 'heredoc' ? '<<' : r.op;
  const fd = op === '>' || op === '>>' ? 1 : 0;
  o.put(r.fd === fd ? op : `${op}[${r.fd}]`);
  if (r.type === 'heredoc') {
    o.put(r.quoted || !plain(r.marker) ? quote(r.marker) : r.marker);
    o.hereDoc(r);
    return;
  }
  // A target written right after the operator must not extend it: >[x] >>x ><{…}.
  const t = printWord(r.target);
  if (/^[[<>{]/.test(t)) o.put(' ');
  word(o, r.target);
}

/** Whether text survives as an unquoted word. */
function plain(text: string): boolean {
  return text !== '' && [...text].every(c => isWordChar(c));
}

function quote(text: string): string {
  return `'${text.replaceAll('\'', '\'\'')}'`;
}

function word(o: Out, w: Word): void {
  switch (w.type) {
    case 'lit':
      o.put(w.quoted || !(plain(w.text) || w.text === '=') ? quote(w.text) : w.text);
      return;
    case 'var':
      o.put('$');
      word(o, w.name);
      if (w.subscript) {
        o.put('(');
        w.subscript.forEach((s, i) => { if (i) o.put(' '); word(o, s); });
        o.put(')');
      }
      return;
    case 'count': case 'flat':
      o.put(w.type === 'count' ? '$#' : '$"');
      word(o, w.name);
      return;
    case 'concat':
      w.parts.forEach((p, i) => { if (i) o.put('^'); word(o, p); });
      return;
    case 'list':
      o.put('(');
      w.items.forEach((s, i) => { if (i) o.put(' '); word(o, s); });
      o.put(')');
      return;
    case 'backquote':
      o.put('`');
      if (w.sep) word(o, w.sep);
      braced(o, w.body);
      return;
    case 'procsub':
      o.put(w.dir);
      braced(o, w.body);
      return;
  }
}
