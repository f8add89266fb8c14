/*
 * failmalloc: an LD_PRELOAD shim that makes chosen allocations fail, for
 * tests/test_memory.py.  The library under test keeps no test hooks (no
 * global mutable state is added to it): failures are injected from outside
 * by interposing malloc & co.
 *
 * Build:  cc -shared -fPIC -O1 -o libfailmalloc.so failmalloc.c -ldl
 *         (tests/test_memory.py does; Meson builds it with -Dtests=true and
 *         tests/c/test_failmalloc.c checks it)
 * Use:    LD_PRELOAD=./libfailmalloc.so python ...; then, through ctypes:
 *
 *   failmalloc_scope("hpcs_core")  only allocations whose caller (return
 *                                  address) is in a loaded object whose path
 *                                  contains this text are eligible; NULL:
 *                                  any caller.  Returns the number of code
 *                                  ranges found (0: no such object).
 *   failmalloc_arm(min, k)         eligible = in scope and size >= min; the
 *                                  first k eligible allocations succeed and
 *                                  the (k+1)-th fails (k < 0: none fails, the
 *                                  shim only counts).  Resets the counters.
 *   failmalloc_persistent(on)      on: every eligible allocation after the
 *                                  (k+1)-th fails too (default: only that one).
 *   failmalloc_disarm()            stop failing and counting new allocations
 *                                  (frees of tracked blocks are still seen).
 *   failmalloc_seen / _failed / _outstanding / _outstanding_bytes / _lost
 *                                  eligible calls since arm, calls made to
 *                                  fail, eligible blocks not freed yet (and
 *                                  their bytes), blocks the table had no room
 *                                  to track (must stay 0 for a valid check).
 *
 * dlsym itself may call calloc before the real one is known: those requests
 * are served from a small static bootstrap buffer and never freed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);

/* ---- bootstrap: allocations made while dlsym resolves the real functions */

static _Alignas(64) char bootstrap[16384];
static size_t bootstrap_used;
static _Atomic int resolving;

static void *bootstrap_alloc(size_t size)
{
    size_t start = (bootstrap_used + 15) & ~(size_t)15;
    if (start + size > sizeof bootstrap) return NULL;
    bootstrap_used = start + size;
    return bootstrap + start; /* static storage: already zeroed for calloc */
}

static int in_bootstrap(const void *p)
{
    return (const char *)p >= bootstrap && (const char *)p < bootstrap + sizeof bootstrap;
}

static void resolve(void)
{
    if (real_malloc != NULL) return;
    atomic_store(&resolving, 1);
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    real_posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
    /* Last: real_malloc != NULL means everything is resolved. */
    void *(*m)(size_t) = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    atomic_store(&resolving, 0);
    real_malloc = m;
}

__attribute__((constructor)) static void failmalloc_init(void) { resolve(); }

/* ---- settings and counters --------------------------------------------- */

enum { MAX_RANGES = 32, SLOTS = 4096 };

static struct { uintptr_t lo, hi; } ranges[MAX_RANGES];
static int nranges = -1; /* -1: any caller is in scope */
static _Atomic int armed;
static size_t min_bytes;
static long fail_after = -1;
static int persistent;
static _Atomic long seen, failed, outstanding, lost;
static _Atomic size_t outstanding_bytes;

/* Live tracked blocks; a spinlock is enough (a few entries, short scans). */
static atomic_flag lock = ATOMIC_FLAG_INIT;
static struct { void *p; size_t size; } slots[SLOTS];
static int hwm; /* slots[hwm..] are all empty */

static void lock_table(void)
{
    while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire)) {
    }
}

static void unlock_table(void) { atomic_flag_clear_explicit(&lock, memory_order_release); }

static int caller_in_scope(uintptr_t ra)
{
    if (nranges < 0) return 1;
    for (int i = 0; i < nranges; i++)
        if (ra >= ranges[i].lo && ra < ranges[i].hi) return 1;
    return 0;
}

/* 1: this request is eligible; *fail says whether to fail it. */
static int eligible(uintptr_t ra, size_t size, int *fail)
{
    *fail = 0;
    if (!atomic_load(&armed) || size < min_bytes || !caller_in_scope(ra)) return 0;
    long n = atomic_fetch_add(&seen, 1);
    if (fail_after >= 0 && (n == fail_after || (persistent && n > fail_after))) {
        atomic_fetch_add(&failed, 1);
        *fail = 1;
    }
    return 1;
}

static void track(void *p, size_t size)
{
    if (p == NULL) return;
    lock_table();
    int i = 0;
    while (i < hwm && slots[i].p != NULL) i++;
    if (i == SLOTS) {
        atomic_fetch_add(&lost, 1);
    } else {
        slots[i].p = p;
        slots[i].size = size;
        if (i == hwm) hwm++;
        atomic_fetch_add(&outstanding, 1);
        atomic_fetch_add(&outstanding_bytes, size);
    }
    unlock_table();
}

/* Forget p if it is tracked; returns 1 if it was. */
static int untrack(void *p)
{
    if (p == NULL || atomic_load(&outstanding) == 0) return 0;
    int found = 0;
    lock_table();
    for (int i = 0; i < hwm; i++) {
        if (slots[i].p == p) {
            atomic_fetch_sub(&outstanding, 1);
            atomic_fetch_sub(&outstanding_bytes, slots[i].size);
            slots[i].p = NULL;
            found = 1;
            break;
        }
    }
    while (hwm > 0 && slots[hwm - 1].p == NULL) hwm--;
    unlock_table();
    return found;
}

/* ---- control functions (ctypes) ---------------------------------------- */

struct scope_search {
    const char *needle;
    int found;
};

static int scope_callback(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct scope_search *s = data;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, s->needle) == NULL) return 0;
    for (int i = 0; i < info->dlpi_phnum && nranges < MAX_RANGES; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X)) continue;
        ranges[nranges].lo = info->dlpi_addr + ph->p_vaddr;
        ranges[nranges].hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
        nranges++;
        s->found++;
    }
    return 0;
}

EXPORT int failmalloc_scope(const char *needle)
{
    if (needle == NULL || needle[0] == '\0') {
        nranges = -1;
        return 0;
    }
    nranges = 0;
    struct scope_search s = {needle, 0};
    dl_iterate_phdr(scope_callback, &s);
    return s.found;
}

EXPORT void failmalloc_arm(size_t min_size, long k)
{
    atomic_store(&armed, 0);
    min_bytes = min_size;
    fail_after = k;
    atomic_store(&seen, 0);
    atomic_store(&failed, 0);
    atomic_store(&lost, 0);
    atomic_store(&armed, 1);
}

EXPORT void failmalloc_persistent(int on) { persistent = on; }
EXPORT void failmalloc_disarm(void) { atomic_store(&armed, 0); }
EXPORT long failmalloc_seen(void) { return atomic_load(&seen); }
EXPORT long failmalloc_failed(void) { return atomic_load(&failed); }
EXPORT long failmalloc_outstanding(void) { return atomic_load(&outstanding); }
EXPORT size_t failmalloc_outstanding_bytes(void) { return atomic_load(&outstanding_bytes); }
EXPORT long failmalloc_lost(void) { return atomic_load(&lost); }

/* ---- the interposed functions ------------------------------------------
 * Each reads its own return address: a helper would see the shim instead. */

EXPORT void *malloc(size_t size)
{
    if (real_malloc == NULL) {
        if (atomic_load(&resolving)) return bootstrap_alloc(size);
        resolve();
    }
    int fail;
    if (!eligible((uintptr_t)__builtin_return_address(0), size, &fail)) return real_malloc(size);
    if (fail) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = real_malloc(size);
    track(p, size);
    return p;
}

EXPORT void *calloc(size_t count, size_t size)
{
    if (real_malloc == NULL) {
        if (atomic_load(&resolving)) {
            if (size != 0 && count > SIZE_MAX / size) return NULL;
            return bootstrap_alloc(count * size);
        }
        resolve();
    }
    int fail;
    size_t total = size != 0 && count > SIZE_MAX / size ? SIZE_MAX : count * size;
    if (!eligible((uintptr_t)__builtin_return_address(0), total, &fail))
        return real_calloc(count, size);
    if (fail) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = real_calloc(count, size);
    track(p, total);
    return p;
}

EXPORT void *realloc(void *ptr, size_t size)
{
    if (real_malloc == NULL) {
        if (atomic_load(&resolving)) return ptr == NULL ? bootstrap_alloc(size) : NULL;
        resolve();
    }
    if (in_bootstrap(ptr)) {
        /* Move a bootstrap block to the real heap (its old size is unknown:
         * copy what fits in the buffer). */
        void *p = real_malloc(size);
        if (p != NULL) {
            size_t avail = (size_t)(bootstrap + sizeof bootstrap - (char *)ptr);
            memcpy(p, ptr, size < avail ? size : avail);
        }
        return p;
    }
    int fail;
    if (!eligible((uintptr_t)__builtin_return_address(0), size, &fail)) {
        /* A tracked block stays tracked under its new address. */
        if (ptr == NULL || atomic_load(&outstanding) == 0 || !untrack(ptr))
            return real_realloc(ptr, size);
        void *p = real_realloc(ptr, size);
        track(p != NULL ? p : ptr, size);
        return p;
    }
    if (fail) {
        errno = ENOMEM;
        return NULL; /* ptr is left as it was, as realloc does */
    }
    int was_tracked = untrack(ptr);
    void *p = real_realloc(ptr, size);
    if (p != NULL) track(p, size);
    else if (was_tracked) track(ptr, size);
    return p;
}

EXPORT void free(void *ptr)
{
    if (ptr == NULL || in_bootstrap(ptr)) return;
    if (real_malloc == NULL) resolve();
    untrack(ptr);
    real_free(ptr);
}

EXPORT int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (real_malloc == NULL) resolve();
    int fail;
    if (!eligible((uintptr_t)__builtin_return_address(0), size, &fail))
        return real_posix_memalign(out, alignment, size);
    if (fail) return ENOMEM;
    int rc = real_posix_memalign(out, alignment, size);
    if (rc == 0) track(*out, size);
    return rc;
}

EXPORT void *aligned_alloc(size_t alignment, size_t size)
{
    if (real_malloc == NULL) resolve();
    int fail;
    if (!eligible((uintptr_t)__builtin_return_address(0), size, &fail))
        return real_aligned_alloc(alignment, size);
    if (fail) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = real_aligned_alloc(alignment, size);
    track(p, size);
    return p;
}

EXPORT void *memalign(size_t alignment, size_t size)
{
    if (real_malloc == NULL) resolve();
    int fail;
    if (!eligible((uintptr_t)__builtin_return_address(0), size, &fail))
        return real_memalign(alignment, size);
    if (fail) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = real_memalign(alignment, size);
    track(p, size);
    return p;
}
