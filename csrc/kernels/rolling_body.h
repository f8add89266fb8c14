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
 */
#ifndef ROLLING_AGG_DEFINED
#define ROLLING_AGG_DEFINED

enum rolling_op { ROLL_SUM, ROLL_MEAN, ROLL_VAR, ROLL_STD, ROLL_MIN, ROLL_MAX };

/* A partial aggregate: count of valid values and, by op, the sum, the
 * shifted sums (s1, s2), or the extreme (s1). */
typedef struct rolling_agg {
    double count, s1, s2;
} rolling_agg;

HPCS_INLINE rolling_agg agg_identity(const int op)
{
    rolling_agg a = {0.0, 0.0, 0.0};
    if (op == ROLL_MIN) a.s1 = INFINITY;
    if (op == ROLL_MAX) a.s1 = -INFINITY;
    return a;
}

/* Add value v (NaN = missing) to *a; shift is K for var/std. */
HPCS_INLINE void agg_add(rolling_agg *a, double v, double shift, const int op)
{
    if (v != v) return;
    a->count += 1.0;
    switch (op) {
    case ROLL_MIN: a->s1 = v < a->s1 ? v : a->s1; break;
    case ROLL_MAX: a->s1 = v > a->s1 ? v : a->s1; break;
    case ROLL_VAR:
    case ROLL_STD: {
        double d = v - shift;
        a->s1 += d;
        a->s2 += d * d;
        break;
    }
    default: a->s1 += v; break;
    }
}

HPCS_INLINE rolling_agg agg_combine(rolling_agg a, rolling_agg b, const int op)
{
    rolling_agg r = {a.count + b.count, 0.0, 0.0};
    switch (op) {
    case ROLL_MIN: r.s1 = a.s1 < b.s1 ? a.s1 : b.s1; break;
    case ROLL_MAX: r.s1 = a.s1 > b.s1 ? a.s1 : b.s1; break;
    default:
        r.s1 = a.s1 + b.s1;
        r.s2 = a.s2 + b.s2;
        break;
    }
    return r;
}

/* The output of a window's aggregate (NaN below min_periods). */
HPCS_INLINE double agg_result(rolling_agg a, const hpcs__rolling_args *args, const int op)
{
    if (a.count < (double)args->min_periods) return NAN;
    switch (op) {
    case ROLL_MEAN: return a.s1 / a.count;
    case ROLL_VAR:
    case ROLL_STD: {
        const double dof = a.count - (double)args->ddof;
        if (dof <= 0.0) return NAN;
        double var = (a.s2 - a.s1 * a.s1 / a.count) / dof;
        if (var < 0.0) var = 0.0; /* rounding of an exactly constant window */
        if (var != var || a.s2 != a.s2) return NAN;
        return op == ROLL_STD ? sqrt(var) : var;
    }
    default: return a.s1;
    }
}
#endif

/* Shift for the block starting at `start`: the first finite value from
 * there on, else the last one before it, else 0. */
HPCS_INLINE double HPCS_T(block_shift)(const T *x, int64_t n, int64_t start)
{
    for (int64_t i = start; i < n; i++)
        if (isfinite((double)x[i])) return (double)x[i];
    for (int64_t i = (start < n ? start : n) - 1; i >= 0; i--)
        if (isfinite((double)x[i])) return (double)x[i];
    return 0.0;
}

/* Block geometry of a series: window ends e run over [0, span), cut into
 * blocks of `block` positions (the window, or the whole span if shorter). */
typedef struct HPCS_T(rolling_job) {
    const T *x;
    T *out;
    int64_t n, span, block, nblocks, blocks_per_task;
    const hpcs__rolling_args *a;
} HPCS_T(rolling_job);

/* Outputs of the windows ending in blocks [first, last).  Everything a block
 * needs — its shift and the previous block's suffixes — is recomputed here
 * from the input, so any split of the blocks gives the same bits. */
HPCS_INLINE hpcs_status HPCS_T(rolling_blocks)(const HPCS_T(rolling_job) *job, int64_t first,
                                               int64_t last, const int op)
{
    const T *x = job->x;
    const int64_t n = job->n, span = job->span, block = job->block;
    const int64_t offset = job->a->offset;
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    /* suffix[j]: aggregate of the previous block from its j-th element on;
     * suffix[block] is empty. */
    rolling_agg *suffix = malloc((size_t)(block + 1) * sizeof *suffix);
    if (suffix == NULL) return HPCS_ERR_NOMEM;
    for (int64_t j = 0; j <= block; j++) suffix[j] = agg_identity(op);

    for (int64_t b = first; b < last; b++) {
        const int64_t b0 = b * block;
        const int64_t b1 = b0 + block < span ? b0 + block : span;
        const double shift = is_var ? HPCS_T(block_shift)(x, n, b0) : 0.0;
        if (b > 0) {
            /* Backward pass over the previous block (still in cache);
             * var/std use this block's shift on both sides. */
            rolling_agg acc = agg_identity(op);
            for (int64_t j = block - 1; j >= 0; j--) {
                int64_t i = b0 - block + j;
                agg_add(&acc, i < n ? (double)x[i] : NAN, shift, op);
                suffix[j] = acc;
            }
        }
        rolling_agg prefix = agg_identity(op);
        for (int64_t e = b0; e < b1; e++) {
            if (e < n) agg_add(&prefix, (double)x[e], shift, op);
            /* The window starts at e - w + 1: suffix index e - b0 + 1 of the
             * previous block (block == w here, or there is no previous). */
            if (e >= offset) {
                rolling_agg win = agg_combine(suffix[e - b0 + 1], prefix, op);
                job->out[e - offset] = (T)agg_result(win, job->a, op);
            }
        }
    }
    free(suffix);
    return HPCS_OK;
}

/* Run task(job, t) over the series' blocks (see hpcs__units_per_task). */
static hpcs_status HPCS_T(rolling_run)(const void *x, int64_t n, const hpcs__rolling_args *a,
                                       void *out, hpcs__task_fn task)
{
    if (n == 0) return HPCS_OK;
    HPCS_T(rolling_job) job = {.x = x, .out = out, .n = n, .span = n + a->offset, .a = a};
    job.block = a->window < job.span ? a->window : job.span;
    job.nblocks = (job.span + job.block - 1) / job.block;
    job.blocks_per_task = hpcs__units_per_task(job.nblocks, job.block, a->nthreads);
    const int64_t ntasks = (job.nblocks + job.blocks_per_task - 1) / job.blocks_per_task;
    return hpcs__parallel_for(a->nthreads, ntasks, task, &job);
}

#define ROLLING_KERNEL(name, op)                                                                   \
    HPCS_CLONES static hpcs_status HPCS_T(name##_task)(void *ctx, int64_t t)                       \
    {                                                                                              \
        const HPCS_T(rolling_job) *job = ctx;                                                      \
        const int64_t first = t * job->blocks_per_task;                                            \
        const int64_t last = first + job->blocks_per_task;                                         \
        return HPCS_T(rolling_blocks)(job, first, last < job->nblocks ? last : job->nblocks, op);  \
    }                                                                                              \
    static hpcs_status HPCS_T(name##_1d)(const void *x, int64_t n, const hpcs__rolling_args *a,    \
                                         void *out)                                                \
    {                                                                                              \
        return HPCS_T(rolling_run)(x, n, a, out, HPCS_T(name##_task));                             \
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
