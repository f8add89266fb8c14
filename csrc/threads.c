/*
 * Threads: process-wide settings and a fork-join parallel loop.
 *
 * hpcs__parallel_for starts its workers per call and joins them before it
 * returns, instead of keeping a resident pool: no state is shared between
 * calls, so any number of application threads may call the library at
 * once, and the start-up cost of a thread is far below the work of the
 * inputs that are allowed to use threads at all (hpcs_tuning thresholds,
 * measured by `hpcs calibrate`; figures in docs/decisions.md, Threads).  Work is always cut into fixed-size chunks
 * combined in chunk order by the callers, so results never depend on the
 * thread count.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_* */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE /* Linux 5.14; older kernels answer EINVAL */
#define MADV_POPULATE_WRITE 23
#endif

#include "hpcs_internal.h"

_Static_assert(sizeof(((hpcs_tuning *)0)->parallel_min_elements) / sizeof(int64_t) ==
                   HPCS_FAMILY_COUNT,
               "one threshold per family");

/* Settings: the only mutable globals of the library, all atomic. */
static _Atomic int64_t threads_setting = 0; /* 0: default (physical cores) */
/* Defaults until `hpcs calibrate` measures the machine: sizes whose work is
 * several thread start-ups' worth (docs/decisions.md, Threads). */
#define DEFAULT_THRESHOLDS                                                                   \
    {                                                                                        \
        [HPCS_FAMILY_REDUCE] = 1 << 19, [HPCS_FAMILY_SELECT] = 3 << 18,                      \
        [HPCS_FAMILY_ROLLING] = 1 << 18, [HPCS_FAMILY_ROLLING_ORDER] = 1 << 14,              \
    }
static _Atomic int64_t thresholds[HPCS_FAMILY_COUNT] = DEFAULT_THRESHOLDS;
static const int64_t default_thresholds[HPCS_FAMILY_COUNT] = DEFAULT_THRESHOLDS;

/* Physical cores among the CPUs this process may run on (SMT siblings
 * count once); falls back to the affinity count where sysfs is missing. */
static int64_t count_physical_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    int64_t logical = CPU_COUNT(&set), physical = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &set)) continue;
        char path[96];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list",
                 cpu);
        FILE *f = fopen(path, "r");
        if (f == NULL) return logical;
        int first = -1;
        /* The list starts with the lowest sibling: count a core once, at it. */
        int ok = fscanf(f, "%d", &first) == 1;
        fclose(f);
        if (!ok) return logical;
        if (first == cpu || !CPU_ISSET(first, &set)) physical++;
    }
    return physical > 0 ? physical : (logical > 0 ? logical : 1);
}

/* The topology does not change while we run: count it once. */
static pthread_once_t cores_once = PTHREAD_ONCE_INIT;
static int64_t cores_counted = 1;
static void count_cores_once(void) { cores_counted = count_physical_cores(); }

static int64_t physical_cores(void)
{
    pthread_once(&cores_once, count_cores_once);
    return cores_counted;
}

HPCS_API hpcs_status hpcs_set_num_threads(int64_t n)
{
    if (n < 0) return HPCS_ERR_ARG;
    atomic_store(&threads_setting, n);
    return HPCS_OK;
}

HPCS_API hpcs_status hpcs_get_num_threads(int64_t *n)
{
    if (n == NULL) return HPCS_ERR_NULL;
    int64_t t = atomic_load(&threads_setting);
    *n = t > 0 ? t : physical_cores();
    return HPCS_OK;
}

HPCS_API hpcs_status hpcs_get_tuning(hpcs_tuning *tuning)
{
    if (tuning == NULL) return HPCS_ERR_NULL;
    for (int f = 0; f < HPCS_FAMILY_COUNT; f++)
        tuning->parallel_min_elements[f] = atomic_load(&thresholds[f]);
    return HPCS_OK;
}

HPCS_API hpcs_status hpcs_set_tuning(const hpcs_tuning *tuning)
{
    if (tuning == NULL) return HPCS_ERR_NULL;
    for (int f = 0; f < HPCS_FAMILY_COUNT; f++)
        if (tuning->parallel_min_elements[f] < 1) return HPCS_ERR_ARG;
    for (int f = 0; f < HPCS_FAMILY_COUNT; f++)
        atomic_store(&thresholds[f], tuning->parallel_min_elements[f]);
    return HPCS_OK;
}

HPCS_API hpcs_status hpcs_reset_tuning(void)
{
    for (int f = 0; f < HPCS_FAMILY_COUNT; f++) atomic_store(&thresholds[f], default_thresholds[f]);
    return HPCS_OK;
}

int64_t hpcs__plan(int32_t family, int64_t elements, int64_t ntasks)
{
    if (family < 0 || family >= HPCS_FAMILY_COUNT) return 1;
    if (elements < atomic_load(&thresholds[family]) || ntasks < 2) return 1;
    int64_t t;
    hpcs_get_num_threads(&t);
    if (t > ntasks) t = ntasks;
    return t < 1 ? 1 : t;
}

HPCS_API hpcs_status hpcs_plan_threads(int32_t family, int64_t elements, int64_t *nthreads)
{
    if (nthreads == NULL) return HPCS_ERR_NULL;
    if (family < 0 || family >= HPCS_FAMILY_COUNT || elements < 0) return HPCS_ERR_ARG;
    /* The widest split a kernel makes: one task per chunk of HPCS_CHUNK. */
    *nthreads = hpcs__plan(family, elements, elements > 0 ? (elements - 1) / HPCS_CHUNK + 1 : 0);
    return HPCS_OK;
}

/* ---- fork-join loop ---------------------------------------------------- */

/* Each thread owns a contiguous run of the tasks and takes them in order;
 * one that has finished its run helps the others with theirs.  Contiguous
 * runs keep the threads on separate pages of a fresh output: when they took
 * small tasks in turn, both faulted on the same huge pages, and the kernel's
 * zeroing of those pages ran one thread after the other (measured in
 * docs/decisions.md, Threads).
 *
 * Given the output, the caller first faults it in (MADV_POPULATE_WRITE)
 * ahead of the other threads — their runs first, its own last, skipping
 * tasks already taken — and computes only then.  Threads that fault a fresh
 * output at the same time wait on each other in the kernel and, in a VM, in
 * the hypervisor, which made the worst calls several times slower than
 * with one thread faulting ahead of the other (docs/decisions.md, Threads).
 * Faulting is only a hint (nobody waits for it; the tasks write the output
 * as before), so a failed madvise — an old kernel, a mapping it refuses —
 * just ends it. */
typedef struct parallel_job parallel_job;

typedef struct worker {
    _Atomic int64_t next; /* the worker's run of tasks is [next, end) */
    int64_t end;
    parallel_job *job;
    pthread_t thread;
} __attribute__((aligned(64))) worker; /* one cache line each: `next` is contended */

struct parallel_job {
    hpcs__task_fn fn;
    void *ctx;
    char *out;         /* NULL: nothing to fault in */
    size_t out_bytes;  /* task t writes about [t, t + 1) * task_bytes of out */
    size_t task_bytes;
    int64_t nthreads;
    _Atomic int status;
    worker workers[];
};

/* Fault in the pages wholly inside task t's share of the output, unless its
 * first page is in already (a reused output: populating pages that are
 * present still walks each of them); 0 when the kernel refuses. */
static int populate_task(const parallel_job *job, int64_t t, uintptr_t page)
{
    const uintptr_t base = (uintptr_t)job->out;
    uintptr_t lo = base + (size_t)t * job->task_bytes;
    uintptr_t hi = lo + job->task_bytes;
    if (hi > base + job->out_bytes) hi = base + job->out_bytes;
    lo = (lo + page - 1) & ~(page - 1), hi &= ~(page - 1);
    if (hi <= lo) return 1;
    unsigned char resident = 0;
    if (mincore((void *)lo, page, &resident) == 0 && (resident & 1)) return 1;
    return madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE) == 0;
}

/* The caller's first job: the output of the tasks not yet taken, in runs
 * 1, 2, ..., then in its own run 0. */
static void populate_output(parallel_job *job)
{
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    if (page == 0 || (page & (page - 1)) != 0) return;
    for (int64_t k = 1; k <= job->nthreads; k++) {
        worker *w = &job->workers[k % job->nthreads];
        for (int64_t t = 0;; t++) {
            const int64_t next = atomic_load(&w->next);
            if (t < next) t = next; /* tasks taken are being written already */
            if (t >= w->end) break;
            if (atomic_load(&job->status) != HPCS_OK || !populate_task(job, t, page)) return;
        }
    }
}

static void *parallel_worker(void *arg)
{
    const worker *self = arg;
    parallel_job *job = self->job;
    for (int64_t k = 0; k < job->nthreads; k++) { /* its own run first */
        worker *owner = &job->workers[(self - job->workers + k) % job->nthreads];
        for (;;) {
            int64_t task = atomic_fetch_add(&owner->next, 1);
            if (task >= owner->end || atomic_load(&job->status) != HPCS_OK) break;
            hpcs_status st = job->fn(job->ctx, task);
            if (st != HPCS_OK) {
                int expected = HPCS_OK;
                atomic_compare_exchange_strong(&job->status, &expected, (int)st);
            }
        }
    }
    return NULL;
}

/* One thread: the tasks in order on the caller, without the atomics of the
 * shared loop (the common case for small and mid-size inputs). */
static hpcs_status serial_for(int64_t ntasks, hpcs__task_fn fn, void *ctx)
{
    for (int64_t task = 0; task < ntasks; task++) {
        hpcs_status st = fn(ctx, task);
        if (st != HPCS_OK) return st;
    }
    return HPCS_OK;
}

hpcs_status hpcs__parallel_for(int64_t nthreads, int64_t ntasks, hpcs__task_fn fn, void *ctx)
{
    return hpcs__parallel_for_output(nthreads, ntasks, fn, ctx, NULL, 0);
}

hpcs_status hpcs__parallel_for_output(int64_t nthreads, int64_t ntasks, hpcs__task_fn fn,
                                      void *ctx, void *out, size_t out_bytes)
{
    enum { MAX_THREADS = 256 };
    if (nthreads <= 1 || ntasks <= 1) return serial_for(ntasks, fn, ctx);
    if (nthreads > ntasks) nthreads = ntasks;
    if (nthreads > MAX_THREADS) nthreads = MAX_THREADS;
    parallel_job *job = aligned_alloc(
        _Alignof(worker), sizeof *job + (size_t)nthreads * sizeof(worker));
    if (job == NULL) return HPCS_ERR_NOMEM;
    job->fn = fn, job->ctx = ctx, job->nthreads = nthreads;
    job->out = out, job->out_bytes = out_bytes;
    job->task_bytes = out_bytes / (size_t)ntasks + 1;
    atomic_init(&job->status, HPCS_OK);
    const int64_t run = ntasks / nthreads, longer_runs = ntasks % nthreads;
    for (int64_t k = 0, first = 0; k < nthreads; k++) {
        worker *w = &job->workers[k];
        atomic_init(&w->next, first);
        first += run + (k < longer_runs);
        w->end = first, w->job = job;
    }
    int64_t started = 1; /* the caller is worker 0 */
    while (started < nthreads && pthread_create(&job->workers[started].thread, NULL,
                                                parallel_worker, &job->workers[started]) == 0)
        started++; /* on failure the running workers take over the missing ones' runs */
    if (out != NULL) populate_output(job);
    parallel_worker(&job->workers[0]);
    for (int64_t k = 1; k < started; k++) pthread_join(job->workers[k].thread, NULL);
    hpcs_status st = (hpcs_status)atomic_load(&job->status);
    free(job);
    return st;
}
