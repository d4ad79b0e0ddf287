// Completion for an interactive front end: the last word of a line completed
// against the shell's namespace, as a file name, or, as a command's first word,
// as a command name: the shell's functions and builtins and the programs of its
// $path directories. What a front end's completer answers (node:readline's).
//
// BUGS: a name that needs quotes is offered as it is; words with quotes, $ or
// pattern characters are not completed.
import { builtins } from './builtins.ts';
import { absolute, list } from './files.ts';
import type { Shell } from './interp.ts';

/** Characters that end a word (rc's specials and blanks). */
const WORD = /[^\s;&|(){}<>^=`]*$/;

/** Whether the text before a word leaves it in a command's first place. */
function commandAt(before: string): boolean {
  return before === '' || /[;&|{`]$/.test(before) || /(^|[\s;&|{])(!|@|if not)$/.test(before)
    || /(^|[\s;&|{])(if|while)\s*\(([^()]*\))?$/.test(before);
}

/**
 * The candidates for the last word of line, and that word (which each of them
 * starts with); directories end with /. No candidates when there is nothing to say.
 */
export async function complete(sh: Shell, line: string): Promise<[string[], string]> {
  const word = WORD.exec(line)![0];
  if (/['$*?[]/.test(word)) return [[], word];
  const p = sh.top;
  const slash = word.lastIndexOf('/');
  const found = new Set<string>();
  if (slash < 0 && commandAt(line.slice(0, line.length - word.length).trimEnd())) {
    for (const name of [...p.fns.keys(), ...builtins.keys()]) if (name.startsWith(word)) found.add(name);
    for (const dir of p.get('path')) {
      for (const d of await names(sh, absolute(p.cwd, dir))) {
        if (d.type !== 'dir' && d.name.startsWith(word)) found.add(d.name);
      }
    }
  } else {
    const shown = word.slice(0, slash + 1), prefix = word.slice(slash + 1);
    for (const d of await names(sh, absolute(p.cwd, shown || '.'))) {
      // dot files only when asked for
      if (d.name.startsWith(prefix) && (prefix.startsWith('.') || !d.name.startsWith('.'))) {
        found.add(shown + d.name + (d.type === 'dir' ? '/' : ''));
      }
    }
  }
  return [[...found].sort(), word];
}

/** A directory's entries, none when it cannot be listed. */
async function names(sh: Shell, abs: string): Promise<{ name: string; type: string }[]> {
  try {
    return (await list(sh.top.space.ns, abs)).filter(d => d.name !== '.' && d.name !== '..');
  } catch {
    return [];
  }
}
