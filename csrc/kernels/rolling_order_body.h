/*
 * Rolling median / quantile / MAD over one contiguous series, for element
 * type T (see rolling_order.c).  Exact, O(n log w), NaN = missing.
 *
 * Chunked ranks (after Suomela, "Median filtering is equivalent to sorting"):
 *  - Positions are cut into chunks of B = max(window, RO_MIN_CHUNK), so the
 *    window ending at any e in chunk c lies in chunks c-1 and c.
 *  - Each chunk's valid values are sorted once (LSD radix on order-preserving
 *    64-bit keys, a byte a pass: O(B)) and the sorted chunks c-1 and c are
 *    merged (O(B), from both ends at once): every element of the two chunks
 *    gets a rank among their 2B, and `vals` maps rank -> value.
 *  - The window is a set of ranks: a bitset (2B bits), a summary bitset of
 *    its non-empty words, and the counts of groups of RO_GROUP_WORDS words
 *    (plain up to RO_FLAT_GROUPS groups, else a Fenwick tree).  Sliding by
 *    one sets one bit and clears one: O(1) plus O(log(w / 2048)) for a
 *    tree.  The neighbour of a rank is a
 *    bit scan (through the summary across empty words, the tree only across
 *    very long empty stretches), so the median / quantile element is followed
 *    from step to step by a cursor that moves a rank or so; the k-th smallest
 *    from scratch (tree descent to the group, popcounts to the word, a
 *    broadword select in it) is needed only to place the cursor.  NaNs are
 *    never inserted; positions outside [0, n) are simply absent.
 *  - MAD: the (c+1)/2 smallest deviations |v - m| form a run of consecutive
 *    present ranks (deviation is unimodal along the sorted values).  The run
 *    is kept from step to step and re-balanced by a few moves of its ends
 *    (O(1) per step on typical data); after RO_WALK_BUDGET moves (e.g. the
 *    median jumping between two clusters) it is placed afresh by bisection on
 *    how many of its elements lie below the median: O(log^2 w) worst case.
 * Windows up to RO_SORTED_MAX_WINDOW take a faster path instead: the window
 * as a sorted key array slid by branch-free selects (see ro_sorted_slide).
 * Everything is allocated once per call; the arithmetic is plain double
 * (numpy's median averaging, hpcs__lerp), identical in every ISA clone.
 *
 * Files (tuning constants: tuning.h):
 *   rolling_order_common.h       shared types (type-independent)
 *   rolling_order_rankset.h      the rank set (type-independent)
 *   rolling_order_rankset_body.h the rank-set path, for T
 *   rolling_order_sorted.h       sorted windows (type-independent)
 *   rolling_order_sorted_body.h  the sorted-array path, for T
 */
#include "rolling_order_rankset.h"
#include "rolling_order_sorted.h"

/* A series and its cut into chunks, the units of the task split. */
typedef struct HPCS_T(ro_job) {
    const T *x;
    T *out;
    int64_t n, chunk;
    hpcs__split split;
    const hpcs__rolling_args *a;
} HPCS_T(ro_job);

#include "rolling_order_rankset_body.h"
#include "rolling_order_sorted_body.h"

/* Run task(job, t) over the chunks (see hpcs__split_units). */
static hpcs_status HPCS_T(ro_run)(const void *x, int64_t n, const hpcs__rolling_args *a,
                                  void *out, hpcs__task_fn task)
{
    if (n == 0) return HPCS_OK;
    HPCS_T(ro_job) job = {.x = x, .out = out, .n = n, .a = a};
    job.chunk = a->window > RO_MIN_CHUNK ? a->window : RO_MIN_CHUNK;
    const int64_t nchunks = (n - 1 + a->offset) / job.chunk + 1;
    job.split = hpcs__split_units(nchunks, job.chunk, 1, a->nthreads);
    return hpcs__parallel_for_output(a->nthreads, job.split.ntasks, task, &job, out,
                                     (size_t)n * sizeof(T));
}

#define RO_KERNEL(name, op)                                                                       \
    HPCS_CLONES static hpcs_status HPCS_T(name##_task)(void *ctx, int64_t t)                      \
    {                                                                                             \
        const HPCS_T(ro_job) *job = ctx;                                                          \
        int64_t first, last;                                                                      \
        hpcs__task_units(&job->split, t, &first, &last);                                          \
        if (job->a->window > RO_SORTED_MAX_WINDOW) return HPCS_T(ro_series)(job, first, last, op);\
        HPCS_T(ro_sorted_series)(job, first, last, op);                                           \
        return HPCS_OK;                                                                           \
    }                                                                                             \
    static hpcs_status HPCS_T(name)(const void *x, int64_t n, const hpcs__rolling_args *a,        \
                                    void *out)                                                    \
    {                                                                                             \
        return HPCS_T(ro_run)(x, n, a, out, HPCS_T(name##_task));                                 \
    }
RO_KERNEL(rolling_median_1d, RO_MEDIAN)
RO_KERNEL(rolling_quantile_1d, RO_QUANTILE)
RO_KERNEL(rolling_mad_1d, RO_MAD)
RO_KERNEL(rolling_robust_zscore_1d, RO_ROBUST_Z)
#undef RO_KERNEL

/* ---- public entry points ------------------------------------------------- */

HPCS_API hpcs_status HPCS_T(hpcs_rolling_median)(const T *x, int64_t outer, int64_t n,
                                                 int64_t inner, int64_t window,
                                                 int64_t min_periods, uint32_t flags, T *out)
{
    hpcs__rolling_args a = {0};
    return hpcs__rolling_layout(HPCS_T(rolling_median_1d), HPCS_FAMILY_ROLLING_ORDER, sizeof(T),
                                x, outer, n, inner, window, min_periods, flags, &a, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_rolling_quantile)(const T *x, int64_t outer, int64_t n,
                                                   int64_t inner, int64_t window,
                                                   int64_t min_periods, double q, int32_t method,
                                                   uint32_t flags, T *out)
{
    if (!(q >= 0.0 && q <= 1.0) || method < 0 || method >= HPCS_Q_METHOD_COUNT)
        return HPCS_ERR_ARG;
    hpcs__rolling_args a = {.q = q, .method = method};
    return hpcs__rolling_layout(HPCS_T(rolling_quantile_1d), HPCS_FAMILY_ROLLING_ORDER,
                                sizeof(T), x, outer, n, inner, window, min_periods, flags, &a,
                                out);
}

HPCS_API hpcs_status HPCS_T(hpcs_rolling_mad)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                              int64_t window, int64_t min_periods, double scale,
                                              uint32_t flags, T *out)
{
    hpcs__rolling_args a = {.scale = scale};
    return hpcs__rolling_layout(HPCS_T(rolling_mad_1d), HPCS_FAMILY_ROLLING_ORDER, sizeof(T), x,
                                outer, n, inner, window, min_periods, flags, &a, out);
}

/* (x - rolling median) / (1.482602218505602 * rolling MAD), from the MAD's
 * own sweep (its median is at hand). */
HPCS_API hpcs_status HPCS_T(hpcs_rolling_robust_zscore)(const T *x, int64_t outer, int64_t n,
                                                        int64_t inner, int64_t window,
                                                        int64_t min_periods, uint32_t flags,
                                                        T *out)
{
    hpcs__rolling_args a = {.scale = 1.482602218505602};
    return hpcs__rolling_layout(HPCS_T(rolling_robust_zscore_1d), HPCS_FAMILY_ROLLING_ORDER,
                                sizeof(T), x, outer, n, inner, window, min_periods, flags, &a,
                                out);
}
