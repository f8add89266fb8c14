/*
 * Element-wise transforms of an (outer, n, inner) array, for element type T
 * (see transform.c).
 *
 * zscore / robust_zscore / normalize_minmax take their statistics from the
 * §2 reductions (hpcs_mean + hpcs_std, computed together by hpcs__meanstd,
 * hpcs_median + hpcs_mad, hpcs_min + hpcs_max), so they are exactly the §2
 * values, and then apply out = (x - shift) / spread to every element of the
 * slice.  A zero spread
 * is replaced by NaN before the pass, so constant data gives NaN, never inf.
 * The arithmetic is in double and rounded once to T.
 *
 * The element-wise passes (apply, clip, first differences) cut the flat
 * array into HPCS_CHUNK-element tasks; each element is computed on its own,
 * so the bits never depend on the thread count.
 */
#ifndef TRANSFORM_ONCE
#define TRANSFORM_ONCE

/* Constant for robust_zscore: makes the MAD a consistent estimator of the
 * standard deviation of normal data (as hpcs.mad(scale="normal")). */
#define TRANSFORM_MAD_NORMAL 1.482602218505602

HPCS_INLINE int64_t transform_ntasks(int64_t total)
{
    return total > 0 ? (total + HPCS_CHUNK - 1) / HPCS_CHUNK : 0;
}

/* Spread 0 (constant slice) becomes NaN: (x - shift) / NaN is NaN. */
static void transform_zero_spread_to_nan(double *spread, int64_t count)
{
    for (int64_t k = 0; k < count; k++)
        if (spread[k] == 0.0) spread[k] = NAN;
}
#endif

/* ---- apply (x - shift[slice]) / spread[slice] ---------------------------- */

typedef struct HPCS_T(apply_job) {
    const T *x;
    T *out;
    int64_t n, inner, total;
    const double *shift, *spread; /* outer * inner, slice (o, j) at o * inner + j */
} HPCS_T(apply_job);

HPCS_CLONES static hpcs_status HPCS_T(apply_task)(void *ctx, int64_t task)
{
    const HPCS_T(apply_job) *job = ctx;
    const int64_t row = job->n * job->inner; /* elements per outer index */
    int64_t k = task * HPCS_CHUNK;
    const int64_t end = k + HPCS_CHUNK < job->total ? k + HPCS_CHUNK : job->total;
    while (k < end) {
        const int64_t o = k / row;
        const int64_t stop = (o + 1) * row < end ? (o + 1) * row : end;
        if (job->inner == 1) {
            const double a = job->shift[o], b = job->spread[o];
            for (int64_t e = k; e < stop; e++) job->out[e] = (T)(((double)job->x[e] - a) / b);
        } else {
            const double *a = job->shift + o * job->inner, *b = job->spread + o * job->inner;
            for (int64_t e = k; e < stop; e++) {
                const int64_t j = (e - o * row) % job->inner;
                job->out[e] = (T)(((double)job->x[e] - a[j]) / b[j]);
            }
        }
        k = stop;
    }
    return HPCS_OK;
}

static hpcs_status HPCS_T(apply)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                 const double *shift, const double *spread, T *out)
{
    const int64_t total = outer * n * inner;
    HPCS_T(apply_job) job = {.x = x, .out = out, .n = n, .inner = inner, .total = total,
                             .shift = shift, .spread = spread};
    const int64_t ntasks = transform_ntasks(total);
    return hpcs__parallel_for_output(hpcs__plan(HPCS_FAMILY_REDUCE, total, ntasks), ntasks,
                                     HPCS_T(apply_task), &job, out, (size_t)total * sizeof(T));
}

/* Checks shared by the standardising transforms; *done when nothing is left to do. */
static hpcs_status HPCS_T(transform_check)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                           const T *out, int *done)
{
    *done = 1;
    if (outer < 0 || n < 0 || inner < 0) return HPCS_ERR_ARG;
    if (outer == 0 || n == 0 || inner == 0) return HPCS_OK;
    if (x == NULL || out == NULL) return HPCS_ERR_NULL;
    int64_t total;
    if (__builtin_mul_overflow(outer, n, &total) || __builtin_mul_overflow(total, inner, &total))
        return HPCS_ERR_ARG;
    *done = 0;
    return HPCS_OK;
}

/* Statistics (two per slice) in one allocation; stat2 = stat1 + slices. */
static hpcs_status HPCS_T(standardise)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                       int kind, int64_t ddof, uint32_t flags, T *out)
{
    int done;
    hpcs_status st = HPCS_T(transform_check)(x, outer, n, inner, out, &done);
    if (done || st != HPCS_OK) return st;
    const int64_t slices = outer * inner;
    double *stats = malloc((size_t)slices * 2 * sizeof(double));
    if (stats == NULL) return HPCS_ERR_NOMEM;
    double *shift = stats, *spread = stats + slices;
    flags &= HPCS_SKIPNA;
    if (kind == 0) { /* zscore */
        st = HPCS_T(hpcs__meanstd)(x, outer, n, inner, ddof, flags, stats);
    } else if (kind == 1) { /* robust */
        st = HPCS_T(hpcs_median)(x, outer, n, inner, flags, shift);
        if (st == HPCS_OK)
            st = HPCS_T(hpcs_mad)(x, outer, n, inner, TRANSFORM_MAD_NORMAL, flags, spread);
    } else { /* min-max */
        st = HPCS_T(hpcs_min)(x, outer, n, inner, NULL, flags, shift);
        if (st == HPCS_OK) st = HPCS_T(hpcs_max)(x, outer, n, inner, NULL, flags, spread);
        if (st == HPCS_ERR_EMPTY) {
            /* A slice with no valid value: min/max refuse it; the quantiles
             * 0 and 1 are the same extremes and NaN for an empty slice. */
            const double q[2] = {0.0, 1.0};
            st = HPCS_T(hpcs_quantile)(x, outer, n, inner, q, 2, HPCS_Q_LOWER, flags, stats);
        }
        for (int64_t k = 0; k < slices && st == HPCS_OK; k++) spread[k] -= shift[k];
    }
    if (st == HPCS_OK) {
        transform_zero_spread_to_nan(spread, slices);
        st = HPCS_T(apply)(x, outer, n, inner, shift, spread, out);
    }
    free(stats);
    return st;
}

HPCS_API hpcs_status HPCS_T(hpcs_zscore)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                         int64_t ddof, uint32_t flags, T *out)
{
    if (ddof < 0) return HPCS_ERR_ARG;
    return HPCS_T(standardise)(x, outer, n, inner, 0, ddof, flags, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_robust_zscore)(const T *x, int64_t outer, int64_t n,
                                                int64_t inner, uint32_t flags, T *out)
{
    return HPCS_T(standardise)(x, outer, n, inner, 1, 0, flags, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_normalize_minmax)(const T *x, int64_t outer, int64_t n,
                                                   int64_t inner, uint32_t flags, T *out)
{
    return HPCS_T(standardise)(x, outer, n, inner, 2, 0, flags, out);
}

/* ---- clip ---------------------------------------------------------------- */

typedef struct HPCS_T(clip_job) {
    const T *x;
    T *out;
    int64_t total;
    T lo, hi;
} HPCS_T(clip_job);

HPCS_CLONES static hpcs_status HPCS_T(clip_task)(void *ctx, int64_t task)
{
    const HPCS_T(clip_job) *job = ctx;
    const int64_t k = task * HPCS_CHUNK;
    const int64_t end = k + HPCS_CHUNK < job->total ? k + HPCS_CHUNK : job->total;
    const T lo = job->lo, hi = job->hi;
    const int lo_nan = lo != lo, hi_nan = hi != hi;
    /* numpy: minimum(maximum(x, lo), hi), NaN (in x or a bound) propagating. */
    for (int64_t e = k; e < end; e++) {
        T v = job->x[e];
        v = (lo_nan || v < lo) ? lo : v;
        v = (hi_nan || v > hi) ? hi : v;
        job->out[e] = v;
    }
    return HPCS_OK;
}

HPCS_API hpcs_status HPCS_T(hpcs_clip)(const T *x, int64_t size, double lo, double hi, T *out)
{
    if (size < 0) return HPCS_ERR_ARG;
    if (size == 0) return HPCS_OK;
    if (x == NULL || out == NULL) return HPCS_ERR_NULL;
    HPCS_T(clip_job) job = {.x = x, .out = out, .total = size, .lo = (T)lo, .hi = (T)hi};
    const int64_t ntasks = transform_ntasks(size);
    return hpcs__parallel_for_output(hpcs__plan(HPCS_FAMILY_REDUCE, size, ntasks), ntasks,
                                     HPCS_T(clip_task), &job, out, (size_t)size * sizeof(T));
}

/* ---- diff ---------------------------------------------------------------- */
/* Along the axis, element (o, i, j) of a block o is at o * n * inner +
 * i * inner + j, so a first difference of the block is y[r] = x[r + inner] -
 * x[r] for r < (n - 1) * inner: a flat loop whatever inner is.  Order k
 * repeats it, as numpy.diff does (same roundings). */

typedef struct HPCS_T(diff_job) {
    const T *x;
    T *out;
    int64_t outer, n, inner, order;
} HPCS_T(diff_job);

/* Order 1: task t computes flat outputs [t * CHUNK, ...). */
HPCS_CLONES static hpcs_status HPCS_T(diff1_task)(void *ctx, int64_t task)
{
    const HPCS_T(diff_job) *job = ctx;
    const int64_t orow = (job->n - 1) * job->inner;
    const int64_t total = job->outer * orow, inner = job->inner;
    int64_t k = task * HPCS_CHUNK;
    const int64_t end = k + HPCS_CHUNK < total ? k + HPCS_CHUNK : total;
    while (k < end) {
        const int64_t o = k / orow;
        const int64_t stop = (o + 1) * orow < end ? (o + 1) * orow : end;
        const T *xo = job->x + o * inner; /* xo[e] is x[o][e - o * orow]: irow - orow == inner */
        for (int64_t e = k; e < stop; e++) job->out[e] = xo[e + inner] - xo[e];
        k = stop;
    }
    return HPCS_OK;
}

/* Higher orders: task o differences block o in a scratch copy. */
HPCS_CLONES static hpcs_status HPCS_T(diffk_task)(void *ctx, int64_t o)
{
    const HPCS_T(diff_job) *job = ctx;
    const int64_t inner = job->inner, len = (job->n - 1) * inner;
    const T *x = job->x + o * job->n * inner;
    T *y = malloc((size_t)len * sizeof(T));
    if (y == NULL) return HPCS_ERR_NOMEM;
    for (int64_t r = 0; r < len; r++) y[r] = x[r + inner] - x[r];
    for (int64_t s = 2; s <= job->order; s++)
        for (int64_t r = 0; r < (job->n - s) * inner; r++) y[r] = y[r + inner] - y[r];
    memcpy(job->out + o * (job->n - job->order) * inner, y,
           (size_t)((job->n - job->order) * inner) * sizeof(T));
    free(y);
    return HPCS_OK;
}

HPCS_API hpcs_status HPCS_T(hpcs_diff)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                       int64_t order, T *out)
{
    int done;
    if (order < 0) return HPCS_ERR_ARG;
    hpcs_status st = HPCS_T(transform_check)(x, outer, n, inner, out, &done);
    if (done || st != HPCS_OK || order >= n) return st;
    const int64_t total = outer * n * inner;
    HPCS_T(diff_job) job = {.x = x, .out = out, .outer = outer, .n = n, .inner = inner,
                            .order = order};
    if (order == 0) {
        memcpy(out, x, (size_t)total * sizeof(T));
        return HPCS_OK;
    }
    if (order == 1) {
        const int64_t ntasks = transform_ntasks(outer * (n - 1) * inner);
        return hpcs__parallel_for_output(hpcs__plan(HPCS_FAMILY_REDUCE, total, ntasks), ntasks,
                                         HPCS_T(diff1_task), &job, out,
                                         (size_t)(outer * (n - 1) * inner) * sizeof(T));
    }
    return hpcs__parallel_for(hpcs__plan(HPCS_FAMILY_REDUCE, total, outer), outer,
                              HPCS_T(diffk_task), &job);
}
