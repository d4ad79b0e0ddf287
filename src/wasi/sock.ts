// sock_*: no sockets are preopened, so every socket call meets a descriptor that is
// not one. A directory is no descriptor for sock_* at all (EBADF, as wasmtime
// answers); other files are ENOTSOCK.
import { fail } from '../error.ts';
import type { Context } from './context.ts';

function sockCall(c: Context, fd: number): never {
  const f = c.fd(fd);
  throw fail(f.type === 'socket' ? 'ENOTSUP' : f.type === 'dir' ? 'EBADF' : 'ENOTSOCK');
}

export const sock = {
  sock_accept: sockCall,
  sock_recv: sockCall,
  sock_send: sockCall,
  sock_shutdown: sockCall,
};
