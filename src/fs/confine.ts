// The rule a confined tree (a host directory) holds its symlinks to, in one
// place: the host server checks it as a guest makes one, and so does a
// transaction's view of such a tree, whose symlinks reach the host only at commit.

/**
 * Whether a symlink's target, read from a directory `depth` levels below the
 * base, stays inside: relative, and never climbing above the base on the way.
 */
export function staysInside(depth: number, target: string): boolean {
  if (target === '' || target.startsWith('/') || target.includes('\0')) return false;
  let d = depth;
  for (const part of target.split('/')) {
    if (part === '..') { if (--d < 0) return false; }
    else if (part !== '' && part !== '.') d++;
  }
  return true;
}
