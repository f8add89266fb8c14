/*
 * Rolling sum / mean / var / std / min / max of one series, for element
 * type T, in O(n) with no running totals (van Herk / Gil-Werman blocks).
 *
 * The window ends e are cut into blocks of `window` positions.  A window
 * ending in block b starts in block b-1 (or exactly at b's start), so it is
 * the union of a *suffix* of block b-1 and a *prefix* of block b.  While
 * walking block b we grow its prefix aggregate; suffix aggregates of block
 * b-1 were stored by a backward pass over it.  Every output combines two
 * partial aggregates over at most `window` values each, so
 *   - nothing accumulates along the series: no drift, whatever n;
 *   - a value that has left the window is in neither part: an inf or a
 *     huge value long gone cannot poison later outputs.
 *
 * var/std sum deviations from a shift K chosen per block boundary: the
 * first finite value at or after the start of block b, which lies inside
 * every window that uses block b's prefix, so |mean - K| is bounded by the
 * window's own spread and (S2 - S1^2/c) does not cancel catastrophically.
 * min/max keep NaN-skipping extremes.  NaN is missing: counted out.
 * Long blocks go by sub-blocks, short windows of sum and mean by direct
 * sums.
 *
 * One file per path, each instantiated here for T:
 *   rolling_agg.h          operations, aggregates, scratch layouts (type-independent)
 *   rolling_series_body.h  the series' job, shifts, lanes in and out
 *   rolling_direct_body.h  sum/mean, window <= ROLLING_DIRECT_MAX: direct sums
 *   rolling_whole_body.h   window <= ROLLING_SUB_FROM: whole blocks side by side
 *   rolling_sub_body.h     longer windows: sub-blocks side by side
 * Tuning constants: tuning.h.
 */
#include "rolling_agg.h"

#include "rolling_series_body.h"
#include "rolling_direct_body.h"
#include "rolling_whole_body.h"
#include "rolling_sub_body.h"

/* Outputs of the windows ending in blocks [first, last), by the path for
 * the operation and window. */
HPCS_INLINE hpcs_status HPCS_T(rolling_blocks)(const HPCS_T(rolling_job) *job, int64_t first,
                                               int64_t last, const int op)
{
    if (rolling_direct_fits(op, job->a->window)) return HPCS_T(rolling_direct)(job, first, last, op);
    if (job->nsub > 1) return HPCS_T(rolling_sub_blocks)(job, first, last, op);
    return HPCS_T(rolling_whole)(job, first, last, op);
}

/* Run task(job, t) over the series' blocks (see hpcs__split_units). */
static hpcs_status HPCS_T(rolling_run)(const void *x, int64_t n, const hpcs__rolling_args *a,
                                       void *out, hpcs__task_fn task, const int op)
{
    if (n == 0) return HPCS_OK;
    HPCS_T(rolling_job) job = {.x = x, .out = out, .n = n, .span = n + a->offset, .a = a};
    const int direct = rolling_direct_fits(op, a->window);
    job.block = direct ? ROLLING_DIRECT_RUN : a->window < job.span ? a->window : job.span;
    job.nsub = 1, job.sub = job.block;
    if (!direct && job.block > ROLLING_SUB_FROM) { /* sub-blocks of about ROLLING_SUB */
        /* whole groups: no idle lanes */
        job.nsub = ((job.block - 1) / ROLLING_SUB / ROLLING_SUB_GROUP + 1) * ROLLING_SUB_GROUP;
        job.sub = (job.block - 1) / job.nsub + 1;
        job.nsub = (job.block - 1) / job.sub + 1;
    }
    const int64_t nblocks = (job.span - 1) / job.block + 1; /* span >= 1: no overflow */
    /* Whole groups per task: a task's last group would otherwise be
     * partly idle lanes. */
    job.split = hpcs__split_units(nblocks, job.block, ROLLING_GROUP, a->nthreads);
    return hpcs__parallel_for_output(a->nthreads, job.split.ntasks, task, &job, out,
                                     (size_t)n * sizeof(T));
}

/* How many finite values reach 2^400 in magnitude: a count, not the
 * running maximum it replaces, so that the loop vectorizes (in the AVX2
 * and AVX-512 clones); it runs over every series whose var/std has a
 * non-finite output, which a min_periods above 1 always gives. */
HPCS_CLONES static int64_t HPCS_T(rolling_huge_count)(const T *x, int64_t n)
{
    int64_t count = 0;
    for (int64_t j = 0; j < n; j++) {
        const double v = fabs((double)x[j]);
        count += v < INFINITY && v >= 0x1p400;
    }
    return count;
}

/* var/std outputs that came out inf/NaN from finite data, recomputed
 * directly.  The window sums square deviations from a shift; values beyond
 * ~2^500 can overflow them (or the deviations) although the variance of
 * the window is finite, and the sums cannot tell that from an inf in the
 * data.  Only a slice holding such values and a non-finite output is
 * rescanned: each such window is summed again scaled by 2^-600 (two-pass),
 * so the result is finite where the exact value is, and inf where it
 * overflows (as NumPy). */
static hpcs_status HPCS_T(rolling_var_repair)(const T *x, int64_t n, const hpcs__rolling_args *a,
                                              T *out, const int op)
{
    int64_t i = 0;
    while (i < n && isfinite((double)out[i])) i++;
    if (i == n) return HPCS_OK;
    /* no overflow: the non-finite outputs are right */
    if (HPCS_T(rolling_huge_count)(x, n) == 0) return HPCS_OK;
    for (; i < n; i++) {
        if (isfinite((double)out[i])) continue;
        const int64_t e = i + a->offset < n - 1 ? i + a->offset : n - 1;
        const int64_t s0 = i + a->offset - a->window + 1 > 0 ? i + a->offset - a->window + 1 : 0;
        double count = 0.0, sum = 0.0;
        int bad = 0;
        for (int64_t j = s0; j <= e; j++) {
            const double v = (double)x[j];
            if (v != v) continue;
            bad |= !isfinite(v);
            count += 1.0;
            sum += v * 0x1p-600;
        }
        const double dof = count - (double)a->ddof;
        if (bad || count < (double)a->min_periods || dof <= 0.0) continue; /* NaN is right */
        const double m = sum / count;
        double s1 = 0.0, s2 = 0.0;
        for (int64_t j = s0; j <= e; j++) {
            const double v = (double)x[j];
            if (v != v) continue;
            const double d = v * 0x1p-600 - m;
            s1 += d;
            s2 += d * d;
        }
        double r = (s2 - s1 * s1 / count) / dof;
        r = r < 0.0 ? 0.0 : r;
        r = op == ROLL_STD ? sqrt(r) * 0x1p600 : r * 0x1p600 * 0x1p600;
        out[i] = (T)r;
    }
    return HPCS_OK;
}

#define ROLLING_KERNEL(name, op)                                                                   \
    HPCS_CLONES static hpcs_status HPCS_T(name##_task)(void *ctx, int64_t t)                       \
    {                                                                                              \
        const HPCS_T(rolling_job) *job = ctx;                                                      \
        int64_t first, last;                                                                       \
        hpcs__task_units(&job->split, t, &first, &last);                                           \
        return HPCS_T(rolling_blocks)(job, first, last, op);                                       \
    }                                                                                              \
    static hpcs_status HPCS_T(name##_1d)(const void *x, int64_t n, const hpcs__rolling_args *a,    \
                                         void *out)                                                \
    {                                                                                              \
        hpcs_status st = HPCS_T(rolling_run)(x, n, a, out, HPCS_T(name##_task), op);               \
        if (st == HPCS_OK && (op == ROLL_VAR || op == ROLL_STD))                                   \
            st = HPCS_T(rolling_var_repair)(x, n, a, out, op);                                     \
        return st;                                                                                 \
    }
ROLLING_KERNEL(rolling_sum, ROLL_SUM)
ROLLING_KERNEL(rolling_mean, ROLL_MEAN)
ROLLING_KERNEL(rolling_var, ROLL_VAR)
ROLLING_KERNEL(rolling_std, ROLL_STD)
ROLLING_KERNEL(rolling_min, ROLL_MIN)
ROLLING_KERNEL(rolling_max, ROLL_MAX)
#undef ROLLING_KERNEL

/* ---- public entry points ------------------------------------------------- */

#define ROLLING_ENTRY(name)                                                                        \
    HPCS_API hpcs_status HPCS_T(hpcs_##name)(const T *x, int64_t outer, int64_t n, int64_t inner,  \
                                             int64_t window, int64_t min_periods, uint32_t flags,  \
                                             T *out)                                               \
    {                                                                                              \
        hpcs__rolling_args a = {0};                                                                \
        return hpcs__rolling_layout(HPCS_T(name##_1d), HPCS_FAMILY_ROLLING, sizeof(T), x, outer,  \
                                    n, inner, window, min_periods, flags, &a, out);                \
    }
ROLLING_ENTRY(rolling_sum)
ROLLING_ENTRY(rolling_mean)
ROLLING_ENTRY(rolling_min)
ROLLING_ENTRY(rolling_max)
#undef ROLLING_ENTRY

#define ROLLING_DDOF_ENTRY(name)                                                                   \
    HPCS_API hpcs_status HPCS_T(hpcs_##name)(const T *x, int64_t outer, int64_t n, int64_t inner,  \
                                             int64_t window, int64_t min_periods, int64_t ddof,    \
                                             uint32_t flags, T *out)                               \
    {                                                                                              \
        if (ddof < 0) return HPCS_ERR_ARG;                                                         \
        hpcs__rolling_args a = {.ddof = ddof};                                                     \
        return hpcs__rolling_layout(HPCS_T(name##_1d), HPCS_FAMILY_ROLLING, sizeof(T), x, outer,  \
                                    n, inner, window, min_periods, flags, &a, out);                \
    }
ROLLING_DDOF_ENTRY(rolling_var)
ROLLING_DDOF_ENTRY(rolling_std)
#undef ROLLING_DDOF_ENTRY
