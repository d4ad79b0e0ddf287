// The rc parser: tokens to the tree of ast.ts, by recursive descent.
//
// Precedence, loosest first (rc(1), Compound Commands):
//   line    cmd ; cmd & cmd newline …
//   cmd     cmd2 && cmd2 || cmd2 …  (left to right)
//   cmd2    cmd3 | cmd3 |[2] cmd3 …  (left to right)
//   cmd3    ! cmd2, @ cmd2, prefixes cmd2, if(…) cmd, if not cmd, for(…) cmd,
//           while(…) cmd, switch w {…}, fn names {…}, ~ w w…, {…} redirs, simple
// so ! a | b is !{a | b}, x=1 a | b gives x to both, and if(c) a && b puts the
// whole a && b under the if. Newlines may follow | && || and the ) of if, for
// and while. Keywords count only at the start of a command; `in` and `not` only
// inside for( and after if.
//
// Words: a ^ b concatenates; so do word tokens with nothing between them (free
// carets), except next to a ( list, which is an error. $x( with no blank is a
// subscript. In the first word of a command a bare = ends the word and makes an
// assignment; elsewhere = is an ordinary character.
//
// BUGS: no positions in the tree; a here document's $ substitution is left to the
// interpreter (HereDoc.body is raw text).
import type {
  Assign, Case, Cmd, HereDoc, Redir, Simple, Word,
} from './ast.ts';
import { keywords } from './ast.ts';
import { Lexer, type Token } from './lex.ts';
import { ShellSyntaxError } from './syntax-error.ts';

export { ShellSyntaxError } from './syntax-error.ts';

/** Parse a whole script. Throws ShellSyntaxError; see its `incomplete`. */
export function parse(src: string): Cmd[] {
  const p = new Parser(src);
  const out: Cmd[] = [];
  for (let line = p.nextLine(); line; line = p.nextLine()) out.push(...line);
  return out;
}

const wordish = new Set(['word', '$', '$#', '$"', '`', '(', 'procsub', '=']);

function isWordish(t: Token): boolean {
  return wordish.has(t.kind);
}
function isKeyword(t: Token, ...which: string[]): boolean {
  if (t.kind !== 'word' || t.quoted) return false;
  return which.length ? which.includes(t.text) : keywords.has(t.text);
}

/**
 * Reads a script one top-level line at a time, as rc does: a line is run before
 * the next is parsed, so a syntax error stops only the lines from there on.
 * After a ShellSyntaxError the Parser is spent; start a new one on the rest.
 */
export class Parser {
  private readonly lex: Lexer;
  private ahead: Token | null = null;

  constructor(src: string) {
    this.lex = new Lexer(src);
  }

  /** The commands of the next non-empty line, or null at the end of the input. */
  nextLine(): Cmd[] | null {
    for (;;) {
      if (this.peek().kind === 'eof') return null;
      const cmds = this.cmds(false);
      const t = this.peek();
      if (t.kind === 'nl') this.next();
      else if (t.kind !== 'eof') this.fail(t);
      if (cmds.length) return cmds;
    }
  }

  private peek(): Token {
    return this.ahead ??= this.lex.next();
  }
  private next(): Token {
    const t = this.peek();
    this.ahead = null;
    return t;
  }
  private expect(kind: Token['kind']): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(t);
    return this.next();
  }
  private skipNl(): void {
    while (this.peek().kind === 'nl') this.next();
  }

  private fail(t: Token, what?: string): never {
    if (t.kind === 'eof') throw new ShellSyntaxError(t.line, t.col, 'syntax error near end of input', true);
    const near = t.kind === 'nl' ? 'newline' : `'${t.src}'`;
    throw new ShellSyntaxError(t.line, t.col, what ?? `syntax error near ${near}`, false);
  }

  /** Commands separated by ; & (and newlines when nl): a line, or a body in braces or parens. */
  private cmds(nl: boolean, starts?: Token[]): Cmd[] {
    const out: Cmd[] = [];
    for (;;) {
      const start = this.peek();
      const c = this.cmd();
      const t = this.peek();
      if (t.kind === '&') {
        if (!c) this.fail(t);
        this.next();
        out.push({ type: 'async', cmd: c });
        starts?.push(start);
        continue;
      }
      if (c) { out.push(c); starts?.push(start); }
      if (t.kind === ';' || (nl && t.kind === 'nl')) { this.next(); continue; }
      return out;
    }
  }

  /** cmd2 && cmd2 || … */
  private cmd(): Cmd | null {
    let left = this.cmd2();
    for (let t = this.peek(); t.kind === '&&' || t.kind === '||'; t = this.peek()) {
      if (!left) this.fail(t);
      this.next();
      this.skipNl();
      const right = this.cmd2() ?? this.fail(this.peek());
      left = { type: t.kind === '&&' ? 'and' : 'or', left, right };
    }
    return left;
  }

  /** cmd3 | cmd3 … ; first is an already-read first word of a simple command. */
  private cmd2(first?: Word): Cmd | null {
    let left = first ? this.simple(first) : this.cmd3();
    for (let t = this.peek(); t.kind === 'pipe'; t = this.peek()) {
      if (!left) this.fail(t);
      this.next();
      this.skipNl();
      const right = this.cmd3() ?? this.fail(this.peek());
      left = { type: 'pipe', left, right, leftFd: t.leftFd, rightFd: t.rightFd };
    }
    return left;
  }

  private cmd3(): Cmd | null {
    const t = this.peek();
    if (t.kind === '{') {
      const body = this.brace();
      return { type: 'block', body, redirs: this.redirs() };
    }
    if (t.kind === 'redir' || t.kind === 'dup') return this.prefixed();
    if (t.kind === 'word' && isKeyword(t)) return this.keyword(t.text);
    if (isWordish(t)) return this.prefixed();
    return null;
  }

  private keyword(k: string): Cmd {
    this.next();
    switch (k) {
      case 'if': {
        if (isKeyword(this.peek(), 'not')) {
          this.next();
          this.skipNl();
          return { type: 'ifnot', then: this.body() };
        }
        const cond = this.paren();
        this.skipNl();
        return { type: 'if', cond, then: this.body() };
      }
      case 'while': {
        const cond = this.paren();
        this.skipNl();
        return { type: 'while', cond, body: this.body() };
      }
      case 'for': {
        this.expect('(');
        const name = this.word();
        let list: Word[] | null = null;
        if (isKeyword(this.peek(), 'in')) {
          this.next();
          list = this.words();
        }
        this.expect(')');
        this.skipNl();
        return { type: 'for', name, list, body: this.body() };
      }
      case 'switch': {
        const subject = this.word();
        this.skipNl();
        return { type: 'switch', subject, cases: this.cases() };
      }
      case 'fn': {
        const names = this.words();
        return { type: 'fn', names, body: this.peek().kind === '{' ? this.brace() : null };
      }
      case '~': {
        const subject = this.word();
        return { type: 'match', subject, patterns: this.words() };
      }
      default: { // ! and @
        const cmd = this.cmd2() ?? this.fail(this.peek());
        return k === '!' ? { type: 'not', cmd } : { type: 'subshell', cmd };
      }
    }
  }

  /** The body of if, while, for and if not: a cmd; nothing (if(x);) is an empty block. */
  private body(): Cmd {
    const c = this.cmd();
    if (c) return c;
    const t = this.peek();
    if (t.kind === 'eof') this.fail(t);
    return { type: 'block', body: [], redirs: [] };
  }

  /** { cmds } */
  private brace(): Cmd[] {
    this.expect('{');
    const body = this.cmds(true);
    this.expect('}');
    return body;
  }

  /** ( cmds ) after if and while. */
  private paren(): Cmd[] {
    this.expect('(');
    const body = this.cmds(true);
    this.expect(')');
    return body;
  }

  /** The braced body of a switch, cut at its top-level `case` commands. */
  private cases(): Case[] {
    this.expect('{');
    const starts: Token[] = [];
    const body = this.cmds(true, starts);
    this.expect('}');
    const cases: Case[] = [];
    body.forEach((c, i) => {
      if (c.type === 'simple' && c.words[0].type === 'lit' && c.words[0].text === 'case') {
        if (c.redirs.length) this.fail(starts[i]);
        cases.push({ patterns: c.words.slice(1), body: [] });
      } else if (cases.length) cases[cases.length - 1].body.push(c);
      else this.fail(starts[i], 'case missing in switch');
    });
    return cases;
  }

  /**
   * Assignments and redirections before a command, or a simple command. Only
   * with a prefix does the command extend over a pipeline (it is a cmd2).
   */
  private prefixed(): Cmd | null {
    const prefix: (Assign | Redir)[] = [];
    for (let t = this.peek(); ; t = this.peek()) {
      if (t.kind === 'redir' || t.kind === 'dup') {
        prefix.push(this.redir());
      } else if (isWordish(t) && !isKeyword(t)) {
        const name = this.word(true);
        if (this.peek().kind !== '=') {
          if (!prefix.length) return this.simple(name);
          return { type: 'prefixed', prefix, cmd: this.cmd2(name) };
        }
        this.next();
        if (!isWordish(this.peek())) this.fail(this.peek());
        prefix.push({ type: 'assign', name, value: this.word() });
      } else {
        return { type: 'prefixed', prefix, cmd: this.cmd2() };
      }
    }
  }

  private simple(first: Word): Simple {
    const words = [first];
    const redirs: Redir[] = [];
    for (let t = this.peek(); ; t = this.peek()) {
      if (t.kind === 'redir' || t.kind === 'dup') redirs.push(this.redir());
      else if (isWordish(t)) words.push(this.word());
      else return { type: 'simple', words, redirs };
    }
  }

  private redirs(): Redir[] {
    const out: Redir[] = [];
    for (let t = this.peek(); t.kind === 'redir' || t.kind === 'dup'; t = this.peek()) out.push(this.redir());
    return out;
  }

  private redir(): Redir {
    const t = this.next();
    if (t.kind === 'dup') {
      const { op, fd, source } = t;
      return source === null ? { type: 'close', op, fd } : { type: 'dup', op, fd, source };
    }
    if (t.kind !== 'redir') this.fail(t);
    if (t.op === '<<') {
      const m = this.peek();
      if (m.kind !== 'word') this.fail(m);
      this.next();
      // Queue before looking further, so the lexer reads the body at the next newline.
      const doc: HereDoc = { type: 'heredoc', fd: t.fd, marker: m.text, quoted: m.quoted, body: '' };
      this.lex.queueHereDoc(doc, t.line, t.col);
      const after = this.peek();
      if (isWordish(after) && !after.spaced) this.fail(after);
      return doc;
    }
    if (!isWordish(this.peek())) this.fail(this.peek());
    return { type: 'file', op: t.op, fd: t.fd, target: this.word() };
  }

  /** Words up to the first token that cannot start one. */
  private words(): Word[] {
    const out: Word[] = [];
    while (isWordish(this.peek())) out.push(this.word());
    return out;
  }

  /** A word: parts joined by ^ or free carets. eqStop: a bare = ends it (command's first word). */
  private word(eqStop = false): Word {
    const parts = [this.word1()];
    for (let t = this.peek(); ; t = this.peek()) {
      if (t.kind === '^') {
        this.next();
        parts.push(this.word1());
      } else if (isWordish(t) && !t.spaced) {
        if (eqStop && t.kind === '=') break;
        if (t.kind === '(' || parts[parts.length - 1].type === 'list') this.fail(t);
        parts.push(this.word1());
      } else break;
    }
    if (parts.length === 1) return parts[0];
    return { type: 'concat', parts: parts.flatMap(p => p.type === 'concat' ? p.parts : [p]) };
  }

  /** One part of a word. */
  private word1(): Word {
    const t = this.next();
    switch (t.kind) {
      case 'word':
        return { type: 'lit', text: t.text, quoted: t.quoted };
      case '=':
        return { type: 'lit', text: '=', quoted: false };
      case '$': {
        const name = this.word1();
        const p = this.peek();
        if (p.kind !== '(' || p.spaced) return { type: 'var', name, subscript: null };
        this.next();
        const subscript = this.words();
        this.expect(')');
        return { type: 'var', name, subscript };
      }
      case '$#':
        return { type: 'count', name: this.word1() };
      case '$"':
        return { type: 'flat', name: this.word1() };
      case '`': {
        const sep = isWordish(this.peek()) ? this.word() : null;
        return { type: 'backquote', sep, body: this.brace() };
      }
      case '(': {
        const items = this.words();
        this.expect(')');
        return { type: 'list', items };
      }
      case 'procsub':
        return { type: 'procsub', dir: t.dir, body: this.brace() };
      default:
        this.fail(t);
    }
  }
}
