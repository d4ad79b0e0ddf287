// A syntax error in rc source. It is a GoblinError (EINVAL) so every edge
// converts it the usual way; the shell status is the message itself.
import { GoblinError } from '../error.ts';

export class ShellSyntaxError extends GoblinError {
  /** 1-based position of the offending token (or of the unclosed quote or here document). */
  readonly line: number;
  readonly column: number;
  /**
   * The input ended where more was needed: an open brace, paren or quote, a trailing
   * | && || or backslash-newline, a missing here-document marker line. An interactive
   * shell reads another line and tries again.
   */
  readonly incomplete: boolean;

  constructor(line: number, column: number, what: string, incomplete: boolean) {
    super('EINVAL', `rc: line ${line} col ${column}: ${what}`);
    this.name = 'ShellSyntaxError';
    this.line = line;
    this.column = column;
    this.incomplete = incomplete;
  }
}
