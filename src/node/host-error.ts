// A Node error from the host (an fs or socket call) as a GoblinError with its errno.
import { GoblinError, type Errno } from '../error.ts';

export function hostError(e: unknown): GoblinError {
  if (e instanceof GoblinError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
  try { return new GoblinError(code as Errno); } catch { return new GoblinError('EIO'); }
}
