// The typed syntax tree of rc, as parse.ts builds it and print.ts writes it back.
//
// Words are expressions, not strings: rc evaluates a word to a list of strings.
// A literal keeps whether it was quoted, so the interpreter globs only the
// metacharacters (* ? [) of unquoted literals; a Concat keeps its parts apart
// for the same reason ('*'^.c matches only files named *.c).
//
// Free carets are already explicit here: $stem.c and $stem^.c give the same tree.

/** A literal: 'quoted' text (from '…', with '' for a quote) or unquoted text. */
export interface Lit { type: 'lit'; text: string; quoted: boolean }
/** $name or $name(subscripts); the name is itself a word ($$x is indirection). */
export interface Var { type: 'var'; name: Word; subscript: Word[] | null }
/** $#name: the number of elements. */
export interface Count { type: 'count'; name: Word }
/** $"name: the elements joined by spaces into one string. */
export interface Flat { type: 'flat'; name: Word }
/** a^b, explicit or free caret; at least two parts, none of them a Concat. */
export interface Concat { type: 'concat'; parts: Word[] }
/** (a b c) */
export interface List { type: 'list'; items: Word[] }
/** `{cmds} or `sep{cmds}: the output split at the characters of sep (default $ifs). */
export interface Backquote { type: 'backquote'; sep: Word | null; body: Cmd[] }
/** <{cmds} or >{cmds}: a file name for a pipe to or from cmds. */
export interface ProcSub { type: 'procsub'; dir: '<' | '>'; body: Cmd[] }

export type Word = Lit | Var | Count | Flat | Concat | List | Backquote | ProcSub;

/** <file >file >>file <>file, fd defaulting to 0 for < and <>, 1 for > and >>. */
export interface FileRedir { type: 'file'; op: '<' | '>' | '>>' | '<>'; fd: number; target: Word }
/**
 * <<marker. body is the raw text of the lines up to the marker line, each with its
 * newline. When the marker was unquoted the interpreter substitutes $name in body.
 */
export interface HereDoc { type: 'heredoc'; fd: number; marker: string; quoted: boolean; body: string }
/** >[fd=source]: fd becomes a copy of source. */
export interface DupRedir { type: 'dup'; op: '<' | '>'; fd: number; source: number }
/** >[fd=]: fd is closed. */
export interface CloseRedir { type: 'close'; op: '<' | '>'; fd: number }

export type Redir = FileRedir | HereDoc | DupRedir | CloseRedir;

/** name=value, before a command (local to it) or alone (global). */
export interface Assign { type: 'assign'; name: Word; value: Word }

/** words[0] is the command; redirections run left to right. words is never empty. */
export interface Simple { type: 'simple'; words: Word[]; redirs: Redir[] }
/** {cmds} with redirections after the closing brace. */
export interface Block { type: 'block'; body: Cmd[]; redirs: Redir[] }
/** left |[leftFd] right, or left |[rightFd=leftFd] right; plain | is leftFd 1, rightFd 0. */
export interface Pipe { type: 'pipe'; left: Cmd; right: Cmd; leftFd: number; rightFd: number }
export interface And { type: 'and'; left: Cmd; right: Cmd }
export interface Or { type: 'or'; left: Cmd; right: Cmd }
/** ! cmd */
export interface Not { type: 'not'; cmd: Cmd }
/** @ cmd */
export interface Subshell { type: 'subshell'; cmd: Cmd }
/**
 * Assignments and redirections before a command, in source order. They bind
 * looser than |: x=1 a | b gives x to both a and b. With cmd null (x=1 alone)
 * the assignments are global.
 */
export interface Prefixed { type: 'prefixed'; prefix: (Assign | Redir)[]; cmd: Cmd | null }
/** if(cond) then. An empty body (if(x);) is an empty Block. */
export interface If { type: 'if'; cond: Cmd[]; then: Cmd }
/** if not then: runs when the if just before it did not. */
export interface IfNot { type: 'ifnot'; then: Cmd }
/** for(name in list) body; list null is for(name), iterating $*; [] is for(name in). */
export interface For { type: 'for'; name: Word; list: Word[] | null; body: Cmd }
export interface While { type: 'while'; cond: Cmd[]; body: Cmd }
/** switch(subject){case pattern…; body…}; only top-level `case` commands start a case. */
export interface Switch { type: 'switch'; subject: Word; cases: Case[] }
export interface Case { patterns: Word[]; body: Cmd[] }
/** ~ subject patterns… */
export interface Match { type: 'match'; subject: Word; patterns: Word[] }
/** fn names {body}; body null is `fn names`, which deletes them. */
export interface Fn { type: 'fn'; names: Word[]; body: Cmd[] | null }
/** cmd & */
export interface Async { type: 'async'; cmd: Cmd }

export type Cmd =
  | Simple | Block | Pipe | And | Or | Not | Subshell | Prefixed
  | If | IfNot | For | While | Switch | Match | Fn | Async;

/** Words that are keywords when unquoted at the start of a command (rc(1), Simple Commands). */
export const keywords: ReadonlySet<string> = new Set(['for', 'while', 'if', 'switch', 'fn', '~', '!', '@']);
