/* The runtime half of clang 14's setjmp/longjmp lowering for WebAssembly.
 *
 * Compiled with -mllvm -wasm-enable-sjlj, clang turns
 *   - longjmp(env, val) into a call to __wasm_longjmp(env, val), which throws a wasm
 *     exception with the tag __c_longjmp whose payload points at {env, val};
 *   - each function that calls setjmp into one that keeps a table of the setjmp
 *     calls made by this invocation of it (malloc'd, 4 entries at first, freed when
 *     the function returns) and wraps its calls in `try ... catch __c_longjmp`.
 *     At a setjmp it calls saveSetjmp(env, label, table, size), which gives the
 *     jmp_buf a fresh id and records (id, label), label naming the setjmp call
 *     site; the table may move, and its new size comes back through getTempRet0.
 *     In the catch it asks testSetjmp(id of env, table, size) for the label: found,
 *     it resumes after that setjmp, which returns val; not found (0), the longjmp
 *     targets an outer frame, so it frees the table and throws again.
 * So the unwinding is the engine's (V8 has had the exception-handling proposal's
 * try/catch since 2021); this file only keeps the tables. Later LLVMs call these
 * __wasm_setjmp, __wasm_setjmp_test and keep the table in the jmp_buf instead.
 *
 * Table layout, as the compiler allocates it: entries of two u32s, ended by an
 * entry whose id is 0, with room for size entries plus that terminator. Ids start at
 * 1 and skip 0 when they wrap; only ids of frames still on the stack matter, so a
 * wrap after 2^32 setjmps reuses none that is live in practice.
 *
 * Build this file with the same -mllvm -wasm-enable-sjlj as the code using it: with
 * the flag clang defines the __c_longjmp tag (weakly) in this object too, without it
 * clang 14 fails on __builtin_wasm_throw ("undefined tag symbol cannot be weak"). */
#include <stdint.h>
#include <stdlib.h>

struct sjlj_entry { uint32_t id, label; };

/* The second result of saveSetjmp (the table's size), read back by getTempRet0. */
static uint32_t temp_ret;
static uint32_t last_id;

uint32_t getTempRet0(void) { return temp_ret; }
void setTempRet0(uint32_t value) { temp_ret = value; }

struct sjlj_entry *saveSetjmp(uint32_t *env, uint32_t label, struct sjlj_entry *table, uint32_t size) {
  if (++last_id == 0) last_id = 1;
  *env = last_id;
  uint32_t n = 0;
  while (table[n].id != 0) n++;
  if (n == size) {
    size *= 2;
    table = realloc(table, (size + 1) * sizeof *table);
    if (!table) abort();
  }
  table[n].id = last_id;
  table[n].label = label;
  table[n + 1].id = 0;
  temp_ret = size;
  return table;
}

uint32_t testSetjmp(uint32_t id, const struct sjlj_entry *table, uint32_t size) {
  for (uint32_t i = 0; i < size && table[i].id != 0; i++)
    if (table[i].id == id) return table[i].label;
  return 0;
}

/* The exception's payload. One suffices: the catch reads it before anything can
 * longjmp again, and a rethrow passes the same env and val. */
static struct { void *env; int val; } thrown;

_Noreturn void __wasm_longjmp(void *env, int val) {
  thrown.env = env;
  thrown.val = val ? val : 1; /* longjmp(env, 0) makes setjmp return 1 */
  __builtin_wasm_throw(1, &thrown); /* tag 1: __c_longjmp (0 is C++'s) */
}
