/*
 * Rolling covariance / correlation of two series and rolling z-score of one,
 * for element type T, in O(n) with no running totals.
 *
 * The structure of rolling_body.h's variance: window ends are cut into
 * blocks of `window` positions; the window ending at position j of block b
 * is the suffix of block b-1 from j + 1 joined with the prefix of block b up
 * to j.  A backward scan of block b-1 stores its suffix aggregates, a
 * forward scan of block b grows the prefix and emits each output from the
 * two parts.  Nothing accumulates along the series (no drift), and a value
 * that has left the window is in neither part.
 *
 * Aggregates are co-moments of deviations from a shift (Kx, Ky): the first
 * position at or after the start of block b where both x and y are finite
 * (it lies inside every window that uses block b's prefix), so
 * S_xy - S_x S_y / c does not cancel catastrophically on 1e9 + N(0, 1) data.
 * A position counts only where x and y are both finite (pandas: NaN and
 * +-inf are missing); the z-score counts x where it is not NaN.
 * Every output depends only on its window's values and block b's shift, so
 * any split of the blocks over threads gives the same bits.
 */
#ifndef PAIR_DEFINED
#define PAIR_DEFINED
enum pair_op { PAIR_COV, PAIR_CORR, PAIR_ZSCORE };

/* Aggregate of one part of a window: count and shifted (co-)moments. */
typedef struct pair_agg {
    double c, sx, sy, sxx, syy, sxy;
} pair_agg;

/* Whether a position counts: cov/corr as pandas, where both values are
 * finite (pandas reads +-inf as missing); the z-score as rolling_std, where
 * x is not NaN (+-inf makes its windows NaN). */
HPCS_INLINE int pair_valid(double vx, double vy, const int op)
{
    if (op == PAIR_ZSCORE) return vx == vx;
    return isfinite(vx) && isfinite(vy);
}

/* Add the pair (dx, dy) of deviations if `ok` (selects: no branches). */
HPCS_INLINE void pair_add(pair_agg *g, double dx, double dy, int ok, const int op)
{
    dx = ok ? dx : 0.0;
    dy = ok ? dy : 0.0;
    g->c += ok ? 1.0 : 0.0;
    g->sx += dx;
    g->sxx += dx * dx;
    if (op != PAIR_ZSCORE) {
        g->sy += dy;
        g->syy += dy * dy;
        g->sxy += dx * dy;
    }
}

/* Centred co-moment C = S_ab - S_a S_b / c of c >= 1 values.  The one
 * finalisation of shifted sums in this file (variances go through it with
 * a = b). */
HPCS_INLINE double pair_centred(double c, double sa, double sb, double sab)
{
    return sab - sa * sb / c;
}

/* Whether a centred second moment m of values whose shifted squares sum
 * to s2 is a zero spread: at or below its own rounding error (a constant
 * window gives exactly 0 when the shift lies in it; when the window has no
 * valid value in block b, the shift lies after it and rounding leaves a
 * residue of order c * eps * s2). */
HPCS_INLINE int pair_no_spread(double m, double c, double s2)
{
    return !(m > c * 4.0 * DBL_EPSILON * s2);
}
#endif

/* Shift of the block starting at `start`: the first position from there on
 * where x (and y) are finite, else the last one before it, else (0, 0). */
HPCS_INLINE void HPCS_T(pair_shift)(const T *x, const T *y, int64_t n, int64_t start, double *kx,
                                    double *ky)
{
    *kx = *ky = 0.0;
    for (int64_t i = start; i < n; i++)
        if (isfinite((double)x[i]) && (y == NULL || isfinite((double)y[i]))) {
            *kx = (double)x[i], *ky = y ? (double)y[i] : 0.0;
            return;
        }
    for (int64_t i = (start < n ? start : n) - 1; i >= 0; i--)
        if (isfinite((double)x[i]) && (y == NULL || isfinite((double)y[i]))) {
            *kx = (double)x[i], *ky = y ? (double)y[i] : 0.0;
            return;
        }
}

typedef struct HPCS_T(pair_job) {
    const T *x, *y; /* y: NULL for the z-score */
    T *out;
    int64_t n, span, block, nblocks, blocks_per_task;
    const hpcs__rolling_args *a;
} HPCS_T(pair_job);

/* The output of the window made of parts s (suffix) and p (prefix); v is
 * the input at the output's position (z-score). */
HPCS_INLINE double HPCS_T(pair_out)(const pair_agg *s, const pair_agg *p, double kx, double v,
                                    const hpcs__rolling_args *a, const int op)
{
    const double c = s->c + p->c;
    if (c < (double)a->min_periods || c < 1.0) return NAN;
    const double sx = s->sx + p->sx, sxx = s->sxx + p->sxx;
    const double cxx = pair_centred(c, sx, sx, sxx);
    if (op == PAIR_ZSCORE) {
        const double dof = c - (double)a->ddof;
        if (dof <= 0.0 || pair_no_spread(cxx, c, sxx)) return NAN;
        /* v - kx is exact for v near the window (no rounding of the mean
         * at the data's magnitude). */
        return ((v - kx) - sx / c) / sqrt(cxx / dof);
    }
    const double sy = s->sy + p->sy, sxy = s->sxy + p->sxy;
    const double cxy = pair_centred(c, sx, sy, sxy);
    if (op == PAIR_COV) {
        const double dof = c - (double)a->ddof;
        return dof > 0.0 ? cxy / dof : NAN;
    }
    const double syy = s->syy + p->syy;
    const double cyy = pair_centred(c, sy, sy, syy);
    if (pair_no_spread(cxx, c, sxx) || pair_no_spread(cyy, c, syy)) return NAN;
    const double r = cxy / (sqrt(cxx) * sqrt(cyy));
    return r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
}

/* Outputs of the windows ending in blocks [first, last). */
HPCS_INLINE hpcs_status HPCS_T(pair_blocks)(const HPCS_T(pair_job) *job, int64_t first,
                                            int64_t last, const int op)
{
    const T *x = job->x, *y = job->y;
    const int64_t n = job->n, block = job->block, offset = job->a->offset;
    pair_agg *suf = malloc((size_t)(block + 1) * sizeof *suf);
    if (suf == NULL) return HPCS_ERR_NOMEM;
    for (int64_t b = first; b < last; b++) {
        double kx, ky;
        const int64_t start = b * block;
        HPCS_T(pair_shift)(x, y, n, start, &kx, &ky);
        /* Suffixes of block b-1 (positions outside [0, n) are missing). */
        pair_agg g = {0};
        suf[block] = g;
        for (int64_t j = block - 1; j >= 0; j--) {
            const int64_t p = start - block + j;
            if (p >= 0 && p < n) {
                const double vx = (double)x[p], vy = y ? (double)y[p] : 0.0;
                pair_add(&g, vx - kx, vy - ky, pair_valid(vx, vy, op), op);
            }
            suf[j] = g;
        }
        /* Prefixes of block b, joined with the suffix from j + 1. */
        pair_agg pre = {0};
        const int64_t end = start + block < job->span ? start + block : job->span;
        for (int64_t e = start; e < end; e++) {
            if (e < n) {
                const double vx = (double)x[e], vy = y ? (double)y[e] : 0.0;
                pair_add(&pre, vx - kx, vy - ky, pair_valid(vx, vy, op), op);
            }
            if (e >= offset) {
                const int64_t i = e - offset;
                job->out[i] =
                    (T)HPCS_T(pair_out)(&suf[e - start + 1], &pre, kx, (double)x[i], job->a, op);
            }
        }
    }
    free(suf);
    return HPCS_OK;
}

HPCS_INLINE hpcs_status HPCS_T(pair_task)(void *ctx, int64_t t, const int op)
{
    const HPCS_T(pair_job) *job = ctx;
    const int64_t first = t * job->blocks_per_task;
    const int64_t last = first + job->blocks_per_task;
    return HPCS_T(pair_blocks)(job, first, last < job->nblocks ? last : job->nblocks, op);
}

/* Run task over the series' blocks: one task on one thread, else tasks of
 * enough blocks for HPCS_CHUNK positions (the bits never depend on it). */
static hpcs_status HPCS_T(pair_run)(const void *x, const void *y, int64_t n,
                                    const hpcs__rolling_args *a, void *out, hpcs__task_fn task)
{
    if (n == 0) return HPCS_OK;
    HPCS_T(pair_job) job = {.x = x, .y = y, .out = out, .n = n, .span = n + a->offset, .a = a};
    job.block = a->window < job.span ? a->window : job.span;
    job.nblocks = (job.span - 1) / job.block + 1;
    job.blocks_per_task = job.nblocks;
    if (a->nthreads > 1) {
        const int64_t per = 1 + (HPCS_CHUNK - 1) / job.block; /* ceil, without overflow */
        job.blocks_per_task = per < job.nblocks ? per : job.nblocks;
    }
    const int64_t ntasks = (job.nblocks + job.blocks_per_task - 1) / job.blocks_per_task;
    return hpcs__parallel_for_output(a->nthreads, ntasks, task, &job, out, (size_t)n * sizeof(T));
}

#define PAIR_KERNEL(name, op)                                                                      \
    HPCS_CLONES static hpcs_status HPCS_T(name##_task)(void *ctx, int64_t t)                       \
    {                                                                                              \
        return HPCS_T(pair_task)(ctx, t, op);                                                      \
    }                                                                                              \
    static hpcs_status HPCS_T(name##_1d)(const void *x, const void *y, int64_t n,                  \
                                         const hpcs__rolling_args *a, void *out)                   \
    {                                                                                              \
        return HPCS_T(pair_run)(x, y, n, a, out, HPCS_T(name##_task));                             \
    }
PAIR_KERNEL(rolling_cov, PAIR_COV)
PAIR_KERNEL(rolling_corr, PAIR_CORR)
PAIR_KERNEL(rolling_zscore, PAIR_ZSCORE)
#undef PAIR_KERNEL

/* ---- public entry points ------------------------------------------------- */

/* Checks and window setup shared by the entry points; y NULL: one input. */
static hpcs_status HPCS_T(pair_entry)(hpcs__pair1d_fn fn, const T *x, const T *y, int64_t outer,
                                      int64_t n, int64_t inner, int64_t window,
                                      int64_t min_periods, int64_t ddof, uint32_t flags, T *out)
{
    if (ddof < 0) return HPCS_ERR_ARG;
    hpcs__rolling_args a = {.ddof = ddof};
    hpcs_status st = hpcs__rolling_window(&a, n, window, min_periods, flags);
    if (st != HPCS_OK) return st;
    return hpcs__pair_layout(fn, HPCS_FAMILY_ROLLING, sizeof(T), x, y, outer, n, inner, &a, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_rolling_cov)(const T *x, const T *y, int64_t outer, int64_t n,
                                              int64_t inner, int64_t window, int64_t min_periods,
                                              int64_t ddof, uint32_t flags, T *out)
{
    if (y == NULL && outer > 0 && n > 0 && inner > 0) return HPCS_ERR_NULL;
    return HPCS_T(pair_entry)(HPCS_T(rolling_cov_1d), x, y, outer, n, inner, window, min_periods,
                              ddof, flags, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_rolling_corr)(const T *x, const T *y, int64_t outer, int64_t n,
                                               int64_t inner, int64_t window, int64_t min_periods,
                                               uint32_t flags, T *out)
{
    if (y == NULL && outer > 0 && n > 0 && inner > 0) return HPCS_ERR_NULL;
    return HPCS_T(pair_entry)(HPCS_T(rolling_corr_1d), x, y, outer, n, inner, window, min_periods,
                              0, flags, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_rolling_zscore)(const T *x, int64_t outer, int64_t n,
                                                 int64_t inner, int64_t window, int64_t min_periods,
                                                 int64_t ddof, uint32_t flags, T *out)
{
    return HPCS_T(pair_entry)(HPCS_T(rolling_zscore_1d), x, NULL, outer, n, inner, window,
                              min_periods, ddof, flags, out);
}
