// The embedded userland under Node: the package's rootfs/bin, served read-only
// from the host directory it ships in.
import { fileURLToPath } from 'node:url';
import type { FileServer } from '../fs/types.ts';
import type { Rootfs } from '../shell/rootfs.ts';
import { HostFs } from './hostfs.ts';

/** The package's rootfs/bin directory. */
export const ROOTFS_BIN = fileURLToPath(new URL('../../rootfs/bin', import.meta.url));

/** /bin from a host directory (the package's own by default), opened at first use. */
export function nodeRootfs(dir = ROOTFS_BIN): Rootfs {
  let fs: FileServer | null = null;
  return { bin: () => (fs ??= new HostFs(dir, true)) };
}
