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
 *
 * The kernels scan PAIR_GROUP blocks side by side, transposed into lanes
 * as rolling_whole_body.h does for the variance (and with its lane loaders
 * from rolling_series_body.h), so one vector instruction advances several
 * blocks' chains and the finalisation is a select-only lane loop.  Each
 * block's arithmetic is that of the one-block scan, which the centred
 * z-score (and cov over long blocks) still uses: the bits are the same
 * either way.
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
/* Scratch of one task, one array each so that the lane loops need no alias
 * checks: xy [block][2][G + 1], blocks b-1 .. b+G-1 transposed (row j: x
 * of lanes 0 .. G, then y; lane l = block b-1+l); suf [block + 1][A][G],
 * the lanes' suffix aggregates (A: c, sx, sy, sxy, and sxx, syy for corr). */
typedef struct pair_scratch {
    double *xy, *suf;
} pair_scratch;

/* cov, corr or z-score of the window whose parts' sums add up to (c, sx,
 * ...), v the input at the output's position and kx the shift (z-score):
 * pair_out's values, as selects (no branches) so that the lane loop
 * vectorizes. */
HPCS_INLINE double pair_finish(double c, double sx, double sy, double sxx, double syy, double sxy,
                               double v, double kx, const hpcs__rolling_args *a, const int op)
{
    const int few = (c < (double)a->min_periods) | (c < 1.0);
    if (op == PAIR_ZSCORE) {
        const double cxx = pair_centred(c, sx, sx, sxx), dof = c - (double)a->ddof;
        const double r = ((v - kx) - sx / c) / sqrt(cxx / dof);
        return (few | !(dof > 0.0) | pair_no_spread(cxx, c, sxx)) ? NAN : r;
    }
    const double cxy = pair_centred(c, sx, sy, sxy);
    if (op == PAIR_COV) {
        const double dof = c - (double)a->ddof;
        const double r = cxy / dof;
        return (few | !(dof > 0.0)) ? NAN : r;
    }
    const double cxx = pair_centred(c, sx, sx, sxx), cyy = pair_centred(c, sy, sy, syy);
    double r = cxy / (sqrt(cxx) * sqrt(cyy));
    r = r > 1.0 ? 1.0 : r;
    r = r < -1.0 ? -1.0 : r;
    return few | pair_no_spread(cxx, c, sxx) | pair_no_spread(cyy, c, syy) ? NAN : r;
}

/* Add lane value pair (vx, vy) with shifts (kx, ky) to (c, ax, ...): each
 * part's arithmetic is pair_add's, written as selects on pair_valid. */
HPCS_INLINE void pair_lane_add(double *c, double *ax, double *ay, double *axx, double *ayy,
                               double *axy, double vx, double vy, double kx, double ky,
                               const int op)
{
    if (op == PAIR_ZSCORE) {
        const double ok = vx == vx ? 1.0 : 0.0, dx = ok != 0.0 ? vx - kx : 0.0;
        *c += ok;
        *ax += dx;
        *axx += dx * dx;
        return;
    }
    const double ok = ((fabs(vx) <= DBL_MAX) & (fabs(vy) <= DBL_MAX)) ? 1.0 : 0.0;
    const double dx = ok != 0.0 ? vx - kx : 0.0, dy = ok != 0.0 ? vy - ky : 0.0;
    *c += ok;
    *ax += dx;
    *ay += dy;
    *axy += dx * dy;
    if (op == PAIR_CORR) {
        *axx += dx * dx;
        *ayy += dy * dy;
    }
}

/* Row length of the transposed lanes (x, then y but for the z-score), and
 * the count of aggregates per lane. */
HPCS_INLINE int pair_row(int lanes, const int op) { return op == PAIR_ZSCORE ? lanes : 2 * lanes; }
HPCS_INLINE int pair_aggs(const int op) { return op == PAIR_ZSCORE ? 3 : op == PAIR_CORR ? 6 : 4; }
#endif

#include "rolling_series_body.h"

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
    HPCS_T(rolling_job) r; /* x, out, geometry and split, as rolling_body.h's */
    const T *y;            /* NULL for the z-score */
    int group;             /* cov/corr: blocks side by side (PAIR_GROUP or _LONG) */
} HPCS_T(pair_job);

/* ---- one block at a time ----------------------------------------------- */

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

/* Outputs of the windows ending in blocks [first, last), one block at a
 * time: the centred z-score, and the z-score and cov over long blocks (see
 * tuning.h). */
HPCS_INLINE hpcs_status HPCS_T(pair_blocks)(const HPCS_T(pair_job) *job, int64_t first,
                                            int64_t last, const int op)
{
    const T *x = job->r.x, *y = job->y;
    const int64_t n = job->r.n, block = job->r.block, offset = job->r.a->offset;
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
        const int64_t end = start + block < job->r.span ? start + block : job->r.span;
        for (int64_t e = start; e < end; e++) {
            if (e < n) {
                const double vx = (double)x[e], vy = y ? (double)y[e] : 0.0;
                pair_add(&pre, vx - kx, vy - ky, pair_valid(vx, vy, op), op);
            }
            if (e >= offset) {
                const int64_t i = e - offset;
                job->r.out[i] =
                    (T)HPCS_T(pair_out)(&suf[e - start + 1], &pre, kx, (double)x[i], job->r.a, op);
            }
        }
    }
    free(suf);
    return HPCS_OK;
}

/* ---- blocks side by side ------------------------------------------------ */

/* The scans of G blocks over the transposed lanes: backward, the suffixes
 * of blocks b-1 .. b+G-2 (each with the shift of the block after it);
 * forward, the prefixes of blocks b .. b+G-1 joined with the suffix from
 * j + 1, the outputs overwriting the prefix's x in xy (the z-score reads
 * that x first: it is the input at the output's position, the window
 * being trailing). */
HPCS_INLINE void HPCS_T(pair_scans)(const pair_scratch *sc, int64_t block,
                                    const double shift[2][PAIR_GROUP],
                                    const hpcs__rolling_args *args, const int G, const int op)
{
    const int L = G + 1, R = pair_row(L, op); /* row length of xy */
    const int corr = op == PAIR_CORR, zs = op == PAIR_ZSCORE;
    /* Rows of suf: c, sx, then sxx for the z-score; sy, sxy, and for corr
     * sxx, syy for the others. */
    const int A = pair_aggs(op), RS = A * G, QXX = zs ? 2 : 4;
    double *restrict xy = sc->xy, *restrict suf = sc->suf;
    double c[PAIR_GROUP], ax[PAIR_GROUP], ay[PAIR_GROUP], axx[PAIR_GROUP], ayy[PAIR_GROUP],
        axy[PAIR_GROUP], kx[PAIR_GROUP], ky[PAIR_GROUP];
    for (int k = 0; k < G; k++) { /* local shifts: the lane loops need no alias checks */
        kx[k] = shift[0][k], ky[k] = shift[1][k];
        c[k] = ax[k] = ay[k] = axx[k] = ayy[k] = axy[k] = 0.0;
        for (int q = 0; q < A; q++) suf[block * RS + q * G + k] = 0.0;
    }
    for (int64_t j = block - 1; j >= 0; j--)
        for (int k = 0; k < G; k++) {
            pair_lane_add(&c[k], &ax[k], &ay[k], &axx[k], &ayy[k], &axy[k], xy[j * R + k],
                          zs ? 0.0 : xy[j * R + L + k], kx[k], ky[k], op);
            double *row = suf + j * RS + k;
            row[0] = c[k], row[G] = ax[k];
            if (!zs) row[2 * G] = ay[k], row[3 * G] = axy[k];
            if (corr | zs) row[QXX * G] = axx[k];
            if (corr) row[5 * G] = ayy[k];
        }
    for (int k = 0; k < G; k++) c[k] = ax[k] = ay[k] = axx[k] = ayy[k] = axy[k] = 0.0;
    for (int64_t j = 0; j < block; j++)
        for (int k = 0; k < G; k++) {
            const double v = xy[j * R + k + 1];
            pair_lane_add(&c[k], &ax[k], &ay[k], &axx[k], &ayy[k], &axy[k], v,
                          zs ? 0.0 : xy[j * R + L + k + 1], kx[k], ky[k], op);
            const double *row = suf + (j + 1) * RS + k;
            xy[j * R + k + 1] =
                pair_finish(row[0] + c[k], row[G] + ax[k], zs ? 0.0 : row[2 * G] + ay[k],
                            corr | zs ? row[QXX * G] + axx[k] : 0.0,
                            corr ? row[5 * G] + ayy[k] : 0.0, zs ? 0.0 : row[3 * G] + axy[k], v,
                            kx[k], args, op);
        }
}

/* Outputs of the windows ending in blocks b .. b+g-1 (g <= G): lanes
 * 0 .. G of the scratch are blocks b-1 .. b+G-1 (positions outside [0, n)
 * read as NaN: missing). */
HPCS_INLINE void HPCS_T(pair_group)(const HPCS_T(pair_job) *job, int64_t b, int64_t g,
                                    const pair_scratch *sc, const int G, const int op)
{
    const int L = G + 1, R = pair_row(L, op);
    const int64_t n = job->r.n, block = job->r.block, first = (b - 1) * block;
    for (int l = 0; l < L; l++) {
        HPCS_T(rolling_load_lane)(job->r.x, n, first + l * block, block, block, sc->xy + l, R);
        if (op != PAIR_ZSCORE)
            HPCS_T(rolling_load_lane)(job->y, n, first + l * block, block, block,
                                      sc->xy + L + l, R);
    }
    double shift[2][PAIR_GROUP] = {{0}};
    for (int k = 0; k < g; k++)
        HPCS_T(pair_shift)(job->r.x, job->y, n, (b + k) * block, &shift[0][k], &shift[1][k]);
    HPCS_T(pair_scans)(sc, block, shift, job->r.a, G, op);
    for (int64_t k = 0; k < g; k++)
        HPCS_T(rolling_store_lane)(&job->r, (b + k) * block, block, sc->xy + k + 1, R);
}

/* Outputs of the windows ending in blocks [first, last).  Everything a
 * block needs (its shift, the previous block's suffixes) is recomputed
 * from the input, so the bits depend on neither the split nor the group. */
HPCS_INLINE hpcs_status HPCS_T(pair_lanes)(const HPCS_T(pair_job) *job, int64_t first,
                                           int64_t last, const int op)
{
    /* A task of few blocks allocates and runs the narrowest lanes that
     * hold them; one block alone goes by the one-block scan (lanes would
     * add at least three idle ones). */
    const int64_t nb = last - first;
    if (nb == 1) return HPCS_T(pair_blocks)(job, first, last, op);
    const int group = nb <= PAIR_GROUP_NARROW ? PAIR_GROUP_NARROW
                      : nb <= PAIR_GROUP_LONG ? PAIR_GROUP_LONG
                                              : job->group;
    const size_t block = (size_t)job->r.block;
    const size_t lanes = block * (size_t)pair_row(group + 1, op);
    const size_t suf = (block + 1) * (size_t)pair_aggs(op) * (size_t)group;
    if (block > SIZE_MAX / sizeof(double) / 256) return HPCS_ERR_NOMEM;
    double *mem = malloc((lanes + suf) * sizeof *mem);
    if (mem == NULL) return HPCS_ERR_NOMEM;
    const pair_scratch sc = {.xy = mem, .suf = mem + lanes};
    hpcs_status st = HPCS_OK;
    for (int64_t b = first; b < last; b += group) {
        const int64_t g = last - b < group ? last - b : group;
        /* So does a partial group (a task's last): idle lanes cost as much
         * as busy ones. */
        if (g == 1) {
            st = HPCS_T(pair_blocks)(job, b, b + 1, op);
            if (st != HPCS_OK) break;
        } else if (g <= PAIR_GROUP_NARROW)
            HPCS_T(pair_group)(job, b, g, &sc, PAIR_GROUP_NARROW, op);
        else if (group == PAIR_GROUP && g > PAIR_GROUP_LONG)
            HPCS_T(pair_group)(job, b, g, &sc, PAIR_GROUP, op);
        else
            HPCS_T(pair_group)(job, b, g, &sc, PAIR_GROUP_LONG, op);
    }
    free(mem);
    return st;
}

HPCS_INLINE hpcs_status HPCS_T(pair_task)(void *ctx, int64_t t, const int op)
{
    const HPCS_T(pair_job) *job = ctx;
    int64_t first, last;
    hpcs__task_units(&job->r.split, t, &first, &last);
    if (job->group == 1) return HPCS_T(pair_blocks)(job, first, last, op);
    return HPCS_T(pair_lanes)(job, first, last, op);
}

/* Run task over the series' blocks (see hpcs__split_units; the bits never
 * depend on the split). */
static hpcs_status HPCS_T(pair_run)(const void *x, const void *y, int64_t n,
                                    const hpcs__rolling_args *a, void *out, hpcs__task_fn task,
                                    const int op)
{
    if (n == 0) return HPCS_OK;
    HPCS_T(pair_job) job = {.r = {.x = x, .out = out, .n = n, .span = n + a->offset, .a = a},
                            .y = y};
    job.r.block = a->window < job.r.span ? a->window : job.r.span;
    /* The lanes' z-score reads its input where the window ends: trailing
     * windows only, up to PAIR_ZSCORE_LANES_MAX. */
    const int zs_one = a->offset != 0 || job.r.block > PAIR_ZSCORE_LANES_MAX;
    const int one = (op == PAIR_ZSCORE && zs_one) ||
                    (op == PAIR_COV && job.r.block > PAIR_COV_LANES_MAX);
    /* The z-score's lanes carry x only and three sums: PAIR_GROUP blocks at
     * every length they take (with PAIR_GROUP_LONG its lane loops ran at
     * half speed). */
    const int long_group = job.r.block > PAIR_LONG_FROM && op != PAIR_ZSCORE;
    job.group = one ? 1 : long_group ? PAIR_GROUP_LONG : PAIR_GROUP;
    const int64_t nblocks = (job.r.span - 1) / job.r.block + 1;
    job.r.split = hpcs__split_units(nblocks, job.r.block, job.group, a->nthreads);
    return hpcs__parallel_for_output(a->nthreads, job.r.split.ntasks, task, &job, out,
                                     (size_t)n * sizeof(T));
}

#define PAIR_KERNEL(name, op)                                                                      \
    HPCS_CLONES static hpcs_status HPCS_T(name##_task)(void *ctx, int64_t t)                       \
    {                                                                                              \
        return HPCS_T(pair_task)(ctx, t, op);                                                      \
    }                                                                                              \
    static hpcs_status HPCS_T(name##_1d)(const void *x, const void *y, int64_t n,                  \
                                         const hpcs__rolling_args *a, void *out)                   \
    {                                                                                              \
        return HPCS_T(pair_run)(x, y, n, a, out, HPCS_T(name##_task), op);                        \
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
