/* setjmp.h for Lua on wasm32-wasi, which wasi-libc (for clang 14) does not ship.
 *
 * With -mllvm -wasm-enable-sjlj clang rewrites every call to setjmp and longjmp
 * itself (see ../sjlj.c), so these functions are never defined: the declarations
 * only give the calls their types. The jmp_buf holds one word the rewrite uses, the
 * id saveSetjmp gives the buffer; the rest is room to spare. */
#ifndef GOBLIN_LUA_SETJMP_H
#define GOBLIN_LUA_SETJMP_H

typedef unsigned long jmp_buf[4];

int setjmp(jmp_buf env);
_Noreturn void longjmp(jmp_buf env, int val);

#endif
