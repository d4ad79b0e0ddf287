// The rc lexer: source text to tokens, pulled one at a time by the parser.
//
// Lexical rules (rc(1), Command Lines and Arguments): blanks are space, tab and
// backslash-newline; # starts a comment up to the newline; an unquoted word is a run
// of characters other than blanks, newline and # ; & | ^ $ = ` ' { } ( ) < >.
// Right after $, $# or $" the word is a variable name: its first character is any
// word character and the rest stop at anything but letters, digits, _ , * and
// non-ASCII, so $stem.c lexes as $ stem .c and the parser inserts the free caret.
//
// Each token records whether blanks preceded it; the parser joins adjacent word
// tokens with free carets and reads $x( as a subscript only when nothing separates them.
//
// Here documents: the parser queues each <<marker as it reads it; the lexer reads
// the bodies right after the next newline token, before anything else.
import type { HereDoc } from './ast.ts';
import { ShellSyntaxError } from './syntax-error.ts';

interface Place { line: number; col: number; spaced: boolean; src: string }

export type Token = Place & (
  | { kind: 'word'; text: string; quoted: boolean }
  /** |, |[left], |[right=left] */
  | { kind: 'pipe'; leftFd: number; rightFd: number }
  /** < > >> <> << with an optional [fd]; a word follows */
  | { kind: 'redir'; op: '<' | '>' | '>>' | '<>' | '<<'; fd: number }
  /** >[fd=source], or >[fd=] when source is null */
  | { kind: 'dup'; op: '<' | '>'; fd: number; source: number | null }
  /** < or > directly followed by {; the { is the next token */
  | { kind: 'procsub'; dir: '<' | '>' }
  | { kind: '$' | '$#' | '$"' | '`' | '^' | '=' | '(' | ')' | '{' | '}' | ';' | '&' | '&&' | '||' | 'nl' | 'eof' }
);

const notWord = new Set('\n \t#;&|^$=`\'{}()<>');
const notName = new Set('!"#$%&\'()+,-./:;<=>?@[\\]^`{|}~');

export function isWordChar(c: string | undefined): boolean {
  return c !== undefined && !notWord.has(c);
}
function isNameChar(c: string | undefined): boolean {
  return c !== undefined && c > ' ' && !notName.has(c);
}
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

interface Pending { doc: HereDoc; line: number; col: number }

export class Lexer {
  readonly src: string;
  private i = 0;
  private line = 1;
  private col = 1;
  private afterDollar = false;
  private here: Pending[] = [];

  constructor(src: string) {
    this.src = src;
  }

  /** Read doc's body after the next newline token. */
  queueHereDoc(doc: HereDoc, line: number, col: number): void {
    this.here.push({ doc, line, col });
  }

  next(): Token {
    const spaced = this.skipBlanks();
    const start = this.i, line = this.line, col = this.col;
    const s = this.src;
    const c = s[this.i];
    const tok = <T extends object>(t: T): Place & T =>
      ({ ...t, line, col, spaced, src: s.slice(start, this.i) });
    const dollar = this.afterDollar;
    this.afterDollar = false;

    if (c === undefined) {
      const h = this.here[0];
      if (h) throw new ShellSyntaxError(h.line, h.col, `here document '${h.doc.marker}' not terminated`, true);
      return tok({ kind: 'eof' as const });
    }
    switch (c) {
      case '\n': {
        this.advance(1);
        const t = tok({ kind: 'nl' as const });
        if (this.here.length) this.readHereDocs();
        return t;
      }
      case '$': {
        this.afterDollar = true;
        const d = s[this.i + 1];
        if (d === '#' || d === '"') {
          this.advance(2);
          return tok({ kind: d === '#' ? '$#' as const : '$"' as const });
        }
        this.advance(1);
        return tok({ kind: '$' as const });
      }
      case '`': case '^': case '=': case '(': case ')': case '{': case '}': case ';':
        this.advance(1);
        return tok({ kind: c });
      case '&':
        if (s[this.i + 1] === '&') { this.advance(2); return tok({ kind: '&&' as const }); }
        this.advance(1);
        return tok({ kind: '&' as const });
      case '|': {
        if (s[this.i + 1] === '|') { this.advance(2); return tok({ kind: '||' as const }); }
        this.advance(1);
        let leftFd = 1, rightFd = 0;
        if (s[this.i] === '[') {
          this.advance(1);
          const a = this.number(start, line, col);
          if (s[this.i] === '=') {
            this.advance(1);
            if (!isDigit(s[this.i])) this.bad(start, line, col);
            rightFd = a;
            leftFd = this.number(start, line, col);
          } else leftFd = a;
          this.close(start, line, col);
        }
        return tok({ kind: 'pipe' as const, leftFd, rightFd });
      }
      case '<': case '>': {
        const d = s[this.i + 1];
        const op = c === '>' ? (d === '>' ? '>>' : '>') : d === '<' ? '<<' : d === '>' ? '<>' : '<';
        this.advance(op.length);
        if ((op === '<' || op === '>') && s[this.i] === '{') return tok({ kind: 'procsub' as const, dir: op });
        let fd = op === '>' || op === '>>' ? 1 : 0;
        if (s[this.i] === '[') {
          this.advance(1);
          fd = this.number(start, line, col);
          if (s[this.i] === '=') {
            if (op !== '<' && op !== '>') this.bad(start, line, col);
            this.advance(1);
            const source = isDigit(s[this.i]) ? this.number(start, line, col) : null;
            this.close(start, line, col);
            return tok({ kind: 'dup' as const, op, fd, source });
          }
          this.close(start, line, col);
        }
        return tok({ kind: 'redir' as const, op, fd });
      }
      case '\'': {
        this.advance(1);
        let text = '';
        for (;;) {
          const j = s.indexOf('\'', this.i);
          if (j < 0) throw new ShellSyntaxError(line, col, 'unterminated quote', true);
          text += s.slice(this.i, j);
          this.advance(j + 1 - this.i);
          if (s[this.i] !== '\'') break;
          text += '\'';
          this.advance(1);
        }
        return tok({ kind: 'word' as const, text, quoted: true });
      }
    }
    // An unquoted word: every remaining character is a word character.
    let j = this.i + 1;
    const more = dollar ? isNameChar : isWordChar;
    while (more(s[j]) && !(s[j] === '\\' && s[j + 1] === '\n')) j++;
    this.advance(j - this.i);
    return tok({ kind: 'word' as const, text: s.slice(start, this.i), quoted: false });
  }

  /** Skip blanks and a comment; report whether anything was skipped. */
  private skipBlanks(): boolean {
    const s = this.src;
    let spaced = false, continued = false;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t') { this.advance(1); spaced = true; continue; }
      if (c === '\\' && s[this.i + 1] === '\n') { this.advance(2); spaced = continued = true; continue; }
      if (c === '#') {
        // A comment is not continued by a backslash before its newline.
        const j = s.indexOf('\n', this.i);
        this.advance((j < 0 ? s.length : j) - this.i);
        spaced = true;
        continue;
      }
      break;
    }
    if (continued && this.i >= s.length)
      throw new ShellSyntaxError(this.line, this.col, 'syntax error near end of input', true);
    return spaced;
  }

  private number(start: number, line: number, col: number): number {
    const s = this.src;
    if (!isDigit(s[this.i])) this.bad(start, line, col);
    let j = this.i;
    while (isDigit(s[j])) j++;
    const n = Number(s.slice(this.i, j));
    this.advance(j - this.i);
    return n;
  }

  private close(start: number, line: number, col: number): void {
    if (this.src[this.i] !== ']') this.bad(start, line, col);
    this.advance(1);
  }

  /** A malformed [fd] after a redirection or pipe. */
  private bad(start: number, line: number, col: number): never {
    const atEnd = this.i >= this.src.length;
    const near = this.src.slice(start, this.i + (atEnd ? 0 : 1));
    throw new ShellSyntaxError(line, col, atEnd ? 'syntax error near end of input' : `syntax error near '${near}'`, atEnd);
  }

  private readHereDocs(): void {
    const s = this.src;
    for (const { doc, line, col } of this.here) {
      let body = '';
      for (;;) {
        if (this.i >= s.length)
          throw new ShellSyntaxError(line, col, `here document '${doc.marker}' not terminated`, true);
        const nl = s.indexOf('\n', this.i);
        const end = nl < 0 ? s.length : nl;
        const text = s.slice(this.i, end);
        this.advance(end - this.i + (nl < 0 ? 0 : 1));
        if (text === doc.marker) break;
        body += text + '\n';
      }
      doc.body = body;
    }
    this.here = [];
  }

  private advance(n: number): void {
    const s = this.src;
    for (const end = this.i + n; this.i < end; this.i++) {
      const u = s.charCodeAt(this.i);
      if (u === 10) { this.line++; this.col = 1; }
      else if (u < 0xdc00 || u > 0xdfff) this.col++; // a low surrogate is not a column of its own
    }
  }
}
