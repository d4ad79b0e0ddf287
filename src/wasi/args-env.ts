// args_* and environ_*: the VM's arguments and environment, sized in UTF-8 bytes
// as they are written.
import type { Context } from './context.ts';

const enc = new TextEncoder();

export const argsEnv = {
  args_sizes_get(c: Context, argc: number, size: number) {
    c.g.u32(argc, c.vm.args.length);
    c.g.u32(size, c.vm.args.reduce((s, a) => s + enc.encode(a).length + 1, 0));
  },
  args_get(c: Context, argv: number, buf: number) {
    c.g.strings(c.vm.args, argv, buf);
  },
  environ_sizes_get(c: Context, count: number, size: number) {
    c.g.u32(count, c.vm.env.size);
    let n = 0;
    for (const [k, v] of c.vm.env) n += enc.encode(k).length + enc.encode(v).length + 2;
    c.g.u32(size, n);
  },
  environ_get(c: Context, envp: number, buf: number) {
    c.g.strings([...c.vm.env].map(([k, v]) => `${k}=${v}`), envp, buf);
  },
};
