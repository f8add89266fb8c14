/*
 * Layout drivers: run a 1-D kernel over every slice of an (outer, n, inner)
 * array.  Contiguous slices (inner == 1) are passed in place; strided ones
 * are gathered a tile of columns at a time into scratch, so that one pass
 * over a cache line serves several columns and kernels only ever see
 * contiguous data.  Gathering changes no arithmetic, so a column reduced
 * along an axis gives the same bits as the same column reduced alone.
 *
 * Slices are independent, so many slices are spread over threads (a task is
 * a run of rows, or one tile of columns); a single long slice is left to the
 * kernel, which may split it into fixed chunks itself (args->nthreads).
 */
#include <stdlib.h>
#include <string.h>

#include "hpcs_internal.h"

enum {
    TILE_MAX_COLUMNS = 8,       /* one 64-byte line of doubles */
    TILE_MAX_ELEMENTS = 1 << 21 /* cap on scratch per tile (16 MiB of doubles) */
};

static int64_t tile_columns(int64_t n, int64_t inner)
{
    int64_t t = n > 0 ? TILE_MAX_ELEMENTS / n : TILE_MAX_COLUMNS;
    if (t > TILE_MAX_COLUMNS) t = TILE_MAX_COLUMNS;
    if (t > inner) t = inner;
    return t < 1 ? 1 : t;
}

/* dst[t * n + i] = src[i * inner + t] for t < tile, i < n. */
static void gather(void *dst, const void *src, size_t elsize, int64_t n, int64_t inner,
                   int64_t tile)
{
    const char *s = src;
    char *d = dst;
    for (int64_t i = 0; i < n; i++)
        for (int64_t t = 0; t < tile; t++)
            memcpy(d + (size_t)(t * n + i) * elsize, s + (size_t)(i * inner + t) * elsize, elsize);
}

/* dst[i * inner + t] = src[t * n + i]. */
static void scatter(void *dst, const void *src, size_t elsize, int64_t n, int64_t inner,
                    int64_t tile)
{
    const char *s = src;
    char *d = dst;
    for (int64_t i = 0; i < n; i++)
        for (int64_t t = 0; t < tile; t++)
            memcpy(d + (size_t)(i * inner + t) * elsize, s + (size_t)(t * n + i) * elsize, elsize);
}

static int bad_shape(int64_t outer, int64_t n, int64_t inner)
{
    if (outer < 0 || n < 0 || inner < 0) return 1;
    if (outer == 0 || n == 0 || inner == 0) return 0;
    /* The element count must fit in int64 and its bytes in size_t
     * (overflow builtins: no 64-bit divisions on every call). */
    int64_t total;
    if (__builtin_mul_overflow(outer, n, &total) || __builtin_mul_overflow(total, inner, &total))
        return 1;
    return (uint64_t)total > SIZE_MAX / sizeof(double);
}

/* One call of a layout driver: the array, the kernel and how it is cut into
 * tasks.  Contiguous case: a task is a run of `rows_per_task` slices.
 * Strided case: a task is one (outer index, column tile). */
typedef struct layout_job {
    int is_rolling;
    hpcs__reduce1d_fn reduce_fn;
    hpcs__rolling1d_fn rolling_fn;
    hpcs__pair1d_fn pair_fn; /* series ops (rolling with pair_fn set) */
    const char *y;           /* pair_fn's second input, or NULL */
    const hpcs__reduce_args *reduce_args;
    const hpcs__rolling_args *rolling_args;
    size_t elsize;
    const char *x;
    const uint8_t *mask;
    char *out;             /* rolling: same layout as x; reduce: doubles */
    int64_t outer, n, inner, nslices;
    int64_t rows_per_task; /* contiguous case */
    int64_t tile, tiles_per_row; /* strided case */
} layout_job;

static hpcs_status run_slice(const layout_job *job, const char *x, const uint8_t *mask,
                             char *rolling_out, int64_t slice, const char *y)
{
    if (job->pair_fn && job->rolling_args->ewm_state) {
        /* Resumable ewm: the line reads and updates its own state (slice =
         * o * inner + j, whichever task runs it). */
        hpcs__rolling_args line = *job->rolling_args;
        line.ewm_state += slice * HPCS_EWM_STATE;
        return job->pair_fn(x, y, job->n, &line, rolling_out);
    }
    if (job->pair_fn) return job->pair_fn(x, y, job->n, job->rolling_args, rolling_out);
    if (job->is_rolling) return job->rolling_fn(x, job->n, job->rolling_args, rolling_out);
    return job->reduce_fn(x, mask, job->n, job->reduce_args, (double *)job->out + slice,
                          job->nslices);
}

static hpcs_status contiguous_task(void *ctx, int64_t task)
{
    const layout_job *job = ctx;
    const int64_t first = task * job->rows_per_task;
    int64_t last = first + job->rows_per_task;
    if (last > job->nslices) last = job->nslices;
    for (int64_t s = first; s < last; s++) {
        /* Slice s = (o, j) starts at element o * n * inner + j. */
        const int64_t start = (s / job->inner) * job->n * job->inner + s % job->inner;
        const size_t off = (size_t)start * job->elsize;
        hpcs_status st = run_slice(job, job->x + off, job->mask ? job->mask + start : NULL,
                                   job->is_rolling ? job->out + off : NULL, s,
                                   job->y ? job->y + off : NULL);
        if (st != HPCS_OK) return st;
    }
    return HPCS_OK;
}

static hpcs_status strided_task(void *ctx, int64_t task)
{
    const layout_job *job = ctx;
    const int64_t o = task / job->tiles_per_row;
    const int64_t j0 = (task % job->tiles_per_row) * job->tile;
    const int64_t tw = job->inner - j0 < job->tile ? job->inner - j0 : job->tile;
    const int64_t n = job->n;
    const int64_t base = o * n * job->inner + j0;
    const size_t bytes = (size_t)(tw * n) * job->elsize;
    hpcs_status st = HPCS_OK;

    /* One allocation for the tile's copies: x, then the output, y and the
     * mask where the job has them (each a multiple of the element size). */
    const size_t arrays = 1 + (size_t)job->is_rolling + (job->y != NULL);
    char *xs = malloc(arrays * bytes + (job->mask ? (size_t)(tw * n) : 0));
    if (xs == NULL) return HPCS_ERR_NOMEM;
    char *os = job->is_rolling ? xs + bytes : NULL;
    char *ys = job->y ? xs + (arrays - 1) * bytes : NULL;
    uint8_t *ms = job->mask ? (uint8_t *)xs + arrays * bytes : NULL;
    gather(xs, job->x + (size_t)base * job->elsize, job->elsize, n, job->inner, tw);
    if (job->mask) gather(ms, job->mask + base, 1, n, job->inner, tw);
    if (job->y) gather(ys, job->y + (size_t)base * job->elsize, job->elsize, n, job->inner, tw);
    for (int64_t t = 0; t < tw && st == HPCS_OK; t++)
        st = run_slice(job, xs + (size_t)(t * n) * job->elsize, ms ? ms + t * n : NULL,
                       os ? os + (size_t)(t * n) * job->elsize : NULL, o * job->inner + j0 + t,
                       ys ? ys + (size_t)(t * n) * job->elsize : NULL);
    if (st == HPCS_OK && job->is_rolling)
        scatter(job->out + (size_t)base * job->elsize, os, job->elsize, n, job->inner, tw);
    free(xs);
    return st;
}

/* Cut the job into tasks and run them; *single_slice_threads tells the
 * kernel how many threads it may use inside its one slice. */
static hpcs_status run_layout(layout_job *job, int32_t family, int64_t *single_slice_threads)
{
    const int64_t total = job->nslices * job->n;
    *single_slice_threads = 1;
    if (job->nslices == 0) return HPCS_OK;
    if (job->nslices == 1) {
        *single_slice_threads = hpcs__plan(family, total, (job->n + HPCS_CHUNK - 1) / HPCS_CHUNK);
        return run_slice(job, job->x, job->mask, job->out, 0, job->y);
    }
    if (job->inner == 1 || job->n <= 1) {
        /* Enough rows per task for a chunk's worth of work. */
        int64_t rows = job->n > 0 ? HPCS_CHUNK / job->n : job->nslices;
        job->rows_per_task = rows < 1 ? 1 : rows;
        int64_t ntasks = (job->nslices + job->rows_per_task - 1) / job->rows_per_task;
        /* Rolling: task t writes the t-th run of rows of the output. */
        return hpcs__parallel_for_output(hpcs__plan(family, total, ntasks), ntasks, contiguous_task,
                                         job, job->is_rolling ? job->out : NULL,
                                         (size_t)total * job->elsize);
    }
    job->tile = tile_columns(job->n, job->inner);
    job->tiles_per_row = (job->inner + job->tile - 1) / job->tile;
    int64_t ntasks = job->outer * job->tiles_per_row;
    return hpcs__parallel_for(hpcs__plan(family, total, ntasks), ntasks, strided_task, job);
}

hpcs_status hpcs__reduce_layout(hpcs__reduce1d_fn fn, int32_t family, size_t elsize,
                                const void *x, int64_t outer, int64_t n, int64_t inner,
                                const uint8_t *mask, hpcs__reduce_args *a, int64_t nres,
                                double *out)
{
    if (out == NULL || (x == NULL && n > 0 && outer > 0 && inner > 0)) return HPCS_ERR_NULL;
    if (bad_shape(outer, n, inner) || nres < 1) return HPCS_ERR_ARG;
    layout_job job = {.reduce_fn = fn, .reduce_args = a, .elsize = elsize, .x = x,
                      .mask = mask, .out = (char *)out, .outer = outer, .n = n,
                      .inner = inner, .nslices = outer * inner};
    return run_layout(&job, family, &a->nthreads);
}

hpcs_status hpcs__rolling_window(hpcs__rolling_args *a, int64_t n, int64_t window,
                                 int64_t min_periods, uint32_t flags)
{
    if (window < 1 || min_periods < 1 || min_periods > window) return HPCS_ERR_ARG;
    /* A window longer than the series reaches past it on every side: the
     * same elements are in every window with n (trailing) or 2n + 1
     * (centred) positions, so kernels never see a window, span or block
     * beyond 2n + 1 (nor the int64 overflows of ~2^63 windows). */
    const int64_t longest = (flags & HPCS_CENTER) ? 2 * n + 1 : n;
    a->window = window < longest || longest < 1 ? window : longest;
    a->min_periods = min_periods;
    a->offset = (flags & HPCS_CENTER) ? (a->window - 1) / 2 : 0;
    return HPCS_OK;
}

hpcs_status hpcs__rolling_layout(hpcs__rolling1d_fn fn, int32_t family, size_t elsize,
                                 const void *x, int64_t outer, int64_t n, int64_t inner,
                                 int64_t window, int64_t min_periods, uint32_t flags,
                                 hpcs__rolling_args *a, void *out)
{
    if ((x == NULL || out == NULL) && outer > 0 && n > 0 && inner > 0) return HPCS_ERR_NULL;
    if (bad_shape(outer, n, inner)) return HPCS_ERR_ARG;
    hpcs_status st = hpcs__rolling_window(a, n, window, min_periods, flags);
    if (st != HPCS_OK) return st;
    layout_job job = {.is_rolling = 1, .rolling_fn = fn, .rolling_args = a, .elsize = elsize,
                      .x = x, .out = out, .outer = outer, .n = n, .inner = inner,
                      .nslices = outer * inner};
    return run_layout(&job, family, &a->nthreads);
}

hpcs_status hpcs__pair_layout(hpcs__pair1d_fn fn, int32_t family, size_t elsize, const void *x,
                              const void *y, int64_t outer, int64_t n, int64_t inner,
                              hpcs__rolling_args *a, void *out)
{
    if ((x == NULL || out == NULL) && outer > 0 && n > 0 && inner > 0) return HPCS_ERR_NULL;
    if (bad_shape(outer, n, inner)) return HPCS_ERR_ARG;
    layout_job job = {.is_rolling = 1, .pair_fn = fn, .y = y, .rolling_args = a,
                      .elsize = elsize, .x = x, .out = out, .outer = outer, .n = n,
                      .inner = inner, .nslices = outer * inner};
    return run_layout(&job, family, &a->nthreads);
}
