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

/* Blocks scanned side by side.  A block's prefix and suffix scans are
 * serial chains of dependent adds; ROLLING_GROUP blocks are transposed
 * into scratch (lane k = block b+k) so that the loops over lanes vectorize
 * and one vector instruction advances several chains.  Each block's
 * arithmetic is unchanged by the grouping and the vector width, so the
 * bits depend on neither (nor on the clone). */
#define ROLLING_GROUP 16
#define ROLLING_GROUP_MAX_BLOCK 65536 /* longer blocks: one at a time (scratch size) */

/* Scratch of one task, for blocks of `block` positions (see rolling_group):
 * xt[block][LANES] holds blocks b-1 .. b+G-1 transposed; cnt, s1, s2
 * [block + 1][G] the lanes' suffix aggregates (s2: var/std only). */
typedef struct rolling_scratch {
    double *xt, *cnt, *s1, *s2;
} rolling_scratch;

/* A lane's aggregate is (count of valid values, s1, s2): by op the sum,
 * the shifted sums, or the extreme in s1.  The lane loops vectorize only
 * if GCC can if-convert them: selects are written `ok != 0.0 ? v : 0.0`,
 * computed before the counts are updated (other orders keep a branch), and
 * the build has -fno-trapping-math (comparisons may then be speculated). */
HPCS_INLINE double agg_identity(const int op)
{
    return op == ROLL_MIN ? INFINITY : op == ROLL_MAX ? -INFINITY : 0.0;
}

/* Add value v (NaN = missing); shift is K for var/std.  A missing value
 * adds +0.0 to sums that start at +0.0 (no change) and never wins a
 * comparison. */
HPCS_INLINE void agg_add(double *count, double *s1, double *s2, double v, double shift,
                         const int op, const int counted)
{
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    double d = is_var ? v - shift : v;
    if (counted) { /* else the caller knows there is no NaN */
        const double ok = v == v ? 1.0 : 0.0;
        d = ok != 0.0 ? d : 0.0; /* select before the count update: see above */
        *count += ok;
    }
    switch (op) {
    case ROLL_MIN: *s1 = v < *s1 ? v : *s1; break;
    case ROLL_MAX: *s1 = v > *s1 ? v : *s1; break;
    case ROLL_VAR:
    case ROLL_STD:
        *s1 += d;
        *s2 += d * d;
        break;
    default: *s1 += d; break;
    }
}

/* The output of a window that is the union of parts a and b; NaN below
 * min_periods. */
HPCS_INLINE double agg_window(double ca, double s1a, double s2a, double cb, double s1b,
                              double s2b, const hpcs__rolling_args *args, const int op,
                              const int counted, const double full)
{
    /* Not counted: no NaN, the window holds `full` values (>= min_periods). */
    const double count = counted ? ca + cb : full;
    double r;
    switch (op) {
    case ROLL_MIN: r = s1a < s1b ? s1a : s1b; break;
    case ROLL_MAX: r = s1a > s1b ? s1a : s1b; break;
    case ROLL_MEAN: r = (s1a + s1b) / count; break;
    case ROLL_VAR:
    case ROLL_STD: {
        const double s1 = s1a + s1b, s2 = s2a + s2b;
        const double dof = count - (double)args->ddof;
        r = (s2 - s1 * s1 / count) / dof;
        r = r < 0.0 ? 0.0 : r; /* rounding of an exactly constant window */
        r = dof <= 0.0 || s2 != s2 ? NAN : r;
        if (op == ROLL_STD) r = sqrt(r);
        break;
    }
    default: r = s1a + s1b; break;
    }
    return counted && count < (double)args->min_periods ? NAN : r;
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

/* Outputs of the windows ending in blocks b .. b+g-1 (g <= ROLLING_GROUP).
 * Window ends in block b+k combine a prefix of block b+k (lane k+1 of xt)
 * with a suffix of block b+k-1 (lane k).  Positions outside [0, n) read as
 * NaN (missing), and only ends in [offset, span) are written. */
/* The scans of rolling_group over the transposed lanes xt.  `counted` 0:
 * the group has no NaN and lies inside the series, so every window holds
 * `block` values and the counts need not be kept (same bits either way). */
HPCS_INLINE void HPCS_T(rolling_scans)(double *restrict xt, const rolling_scratch *sc, int64_t block,
                               const double *shift, const hpcs__rolling_args *args, const int G,
                               const int op, const int counted)
{
    const int L = G + 1;
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    double *restrict cnt = sc->cnt, *restrict s1 = sc->s1, *restrict s2 = sc->s2;
    /* Backward scans: suffixes of blocks b-1 .. b+G-2, each with the shift
     * of the block after it; the suffix from `block` on is empty. */
    double c[ROLLING_GROUP], a1[ROLLING_GROUP], a2[ROLLING_GROUP];
    for (int k = 0; k < G; k++) {
        c[k] = 0.0, a1[k] = agg_identity(op), a2[k] = 0.0;
        s1[block * G + k] = a1[k];
        if (counted) cnt[block * G + k] = c[k];
        if (is_var) s2[block * G + k] = a2[k];
    }
    for (int64_t j = block - 1; j >= 0; j--)
        for (int k = 0; k < G; k++) {
            agg_add(&c[k], &a1[k], &a2[k], xt[j * L + k], shift[k], op, counted);
            s1[j * G + k] = a1[k];
            if (counted) cnt[j * G + k] = c[k];
            if (is_var) s2[j * G + k] = a2[k];
        }
    /* Forward scans: prefixes of blocks b .. b+G-1, joined with the suffix
     * from j + 1 (where the window ending at start + j begins); results
     * overwrite the prefix's input in xt. */
    for (int k = 0; k < G; k++) c[k] = 0.0, a1[k] = agg_identity(op), a2[k] = 0.0;
    for (int64_t j = 0; j < block; j++)
        for (int k = 0; k < G; k++) {
            agg_add(&c[k], &a1[k], &a2[k], xt[j * L + k + 1], shift[k], op, counted);
            const int64_t sj = (j + 1) * G + k;
            xt[j * L + k + 1] =
                agg_window(counted ? cnt[sj] : 0.0, s1[sj], is_var ? s2[sj] : 0.0, c[k], a1[k],
                           a2[k], args, op, counted, (double)block);
        }
}

HPCS_INLINE void HPCS_T(rolling_group)(const HPCS_T(rolling_job) *job, int64_t b, int64_t g,
                                       const rolling_scratch *sc, const int G, const int op)
{
    const int L = G + 1;
    const T *x = job->x;
    const int64_t n = job->n, block = job->block, offset = job->a->offset;
    double *restrict xt = sc->xt;

    /* Transpose blocks b-1 .. b+G-1 into lanes 0 .. G, noting NaNs. */
    const int64_t first = (b - 1) * block;
    int clean = first >= 0 && block <= (n - first) / L; /* all of x[first, first + L*block) */
    if (clean) {
        /* Row by row (L interleaved read streams, sequential writes), except
         * for mid-size blocks whose xt fits in L1: there block by block
         * (sequential reads) was measured faster, 20 vs 28 ms at w = 100. */
        const int by_block = block >= 32 && block * L * (int64_t)sizeof(double) <= 32768;
        int nan_seen = 0;
#define ROLLING_TAKE(l, j)                                                                          \
    do {                                                                                           \
        const double v_ = (double)x[first + (l) * block + (j)];                                    \
        nan_seen |= v_ != v_;                                                                      \
        xt[(j) * L + (l)] = v_;                                                                    \
    } while (0)
        if (by_block)
            for (int l = 0; l < L; l++)
                for (int64_t j = 0; j < block; j++) ROLLING_TAKE(l, j);
        else
            for (int64_t j = 0; j < block; j++)
                for (int l = 0; l < L; l++) ROLLING_TAKE(l, j);
#undef ROLLING_TAKE
        clean = !nan_seen;
    } else {
        /* Edge groups: lane by lane, the part inside [0, n) copied and the
         * rest NaN, with no conditional loads (they vectorize into masked
         * loads, which qemu-user 7.2 emulates without suppressing faults). */
        for (int l = 0; l < L; l++) {
            const int64_t start = first + l * block; /* series index of row 0 */
            const int64_t lo = start >= 0 ? 0 : -start < block ? -start : block;
            int64_t hi = n - start < block ? n - start : block;
            if (hi < lo) hi = lo;
            for (int64_t j = 0; j < lo; j++) xt[j * L + l] = NAN;
            for (int64_t j = lo; j < hi; j++) xt[j * L + l] = (double)x[start + j];
            for (int64_t j = hi; j < block; j++) xt[j * L + l] = NAN;
        }
    }
    double shift[ROLLING_GROUP] = {0};
    if (op == ROLL_VAR || op == ROLL_STD)
        for (int k = 0; k < g; k++) shift[k] = HPCS_T(block_shift)(x, n, (b + k) * block);

    if (clean)
        HPCS_T(rolling_scans)(xt, sc, block, shift, job->a, G, op, 0);
    else
        HPCS_T(rolling_scans)(xt, sc, block, shift, job->a, G, op, 1);

    /* Transpose the results back: end e is written to out[e - offset]. */
    for (int64_t k = 0; k < g; k++) {
        const int64_t start = (b + k) * block;
        const int64_t j0 = offset - start > 0 ? offset - start : 0;
        const int64_t j1 = job->span - start < block ? job->span - start : block;
        for (int64_t j = j0; j < j1; j++) job->out[start + j - offset] = (T)xt[j * L + k + 1];
    }
}

/* Outputs of the windows ending in blocks [first, last).  Everything a block
 * needs — its shift and the previous block's suffixes — is recomputed here
 * from the input, so any split of the blocks gives the same bits. */
HPCS_INLINE hpcs_status HPCS_T(rolling_blocks)(const HPCS_T(rolling_job) *job, int64_t first,
                                               int64_t last, const int op)
{
    const size_t block = (size_t)job->block;
    /* Scratch is ~5 * group * block doubles: long blocks go one at a time. */
    const int group = block <= ROLLING_GROUP_MAX_BLOCK ? ROLLING_GROUP : 1;
    const size_t suffix_len = (block + 1) * (size_t)group;
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    const size_t xt_len = block * (size_t)(group + 1);
    if (block > SIZE_MAX / sizeof(double) / 8 / (size_t)group) return HPCS_ERR_NOMEM;
    double *mem = malloc((xt_len + (is_var ? 3 : 2) * suffix_len) * sizeof *mem);
    if (mem == NULL) return HPCS_ERR_NOMEM;
    rolling_scratch sc = {.xt = mem, .cnt = mem + xt_len};
    sc.s1 = sc.cnt + suffix_len;
    sc.s2 = is_var ? sc.s1 + suffix_len : NULL;
    for (int64_t b = first; b < last; b += group) {
        const int64_t g = last - b < group ? last - b : group;
        if (group == ROLLING_GROUP)
            HPCS_T(rolling_group)(job, b, g, &sc, ROLLING_GROUP, op);
        else
            HPCS_T(rolling_group)(job, b, 1, &sc, 1, op);
    }
    free(mem);
    return HPCS_OK;
}

/* Run task(job, t) over the series' blocks (see hpcs__units_per_task). */
static hpcs_status HPCS_T(rolling_run)(const void *x, int64_t n, const hpcs__rolling_args *a,
                                       void *out, hpcs__task_fn task)
{
    if (n == 0) return HPCS_OK;
    HPCS_T(rolling_job) job = {.x = x, .out = out, .n = n, .span = n + a->offset, .a = a};
    job.block = a->window < job.span ? a->window : job.span;
    job.nblocks = (job.span - 1) / job.block + 1; /* span >= 1: no overflow */
    /* Whole groups per task: a task's last group would otherwise be
     * partly idle lanes. */
    const int64_t per_task = hpcs__units_per_task(job.nblocks, job.block, a->nthreads);
    job.blocks_per_task = (per_task + ROLLING_GROUP - 1) / ROLLING_GROUP * ROLLING_GROUP;
    if (job.blocks_per_task > job.nblocks) job.blocks_per_task = job.nblocks;
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
