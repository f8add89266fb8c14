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

HPCS_INLINE hpcs_status HPCS_T(rolling_blocks)(const T *x, int64_t n, const hpcs__rolling_args *a,
                                               T *out, const int op)
{
    const int64_t w = a->window, offset = a->offset;
    const int64_t span = n + offset; /* window ends e = 0 .. span - 1 */
    const int64_t block = w < span ? w : span;
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    if (n == 0) return HPCS_OK;
    /* suffix[j]: aggregate of the previous block from its j-th element on;
     * suffix[block] is empty. */
    rolling_agg *suffix = malloc((size_t)(block + 1) * sizeof *suffix);
    if (suffix == NULL) return HPCS_ERR_NOMEM;
    for (int64_t j = 0; j <= block; j++) suffix[j] = agg_identity(op);

    for (int64_t b0 = 0; b0 < span; b0 += block) {
        const int64_t b1 = b0 + block < span ? b0 + block : span;
        const double shift = is_var ? HPCS_T(block_shift)(x, n, b0) : 0.0;
        if (is_var && b0 > 0) {
            /* The previous block's suffixes must share this block's shift. */
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
                out[e - offset] = (T)agg_result(win, a, op);
            }
        }
        if (!is_var && b1 < span) {
            rolling_agg acc = agg_identity(op);
            for (int64_t j = block - 1; j >= 0; j--) {
                int64_t i = b0 + j;
                agg_add(&acc, i < n ? (double)x[i] : NAN, 0.0, op);
                suffix[j] = acc;
            }
        }
    }
    free(suffix);
    return HPCS_OK;
}

#define ROLLING_KERNEL(name, op)                                                                   \
    HPCS_CLONES static hpcs_status HPCS_T(name##_1d)(const void *x, int64_t n,                     \
                                                     const hpcs__rolling_args *a, void *out)       \
    {                                                                                              \
        return HPCS_T(rolling_blocks)(x, n, a, out, op);                                           \
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
        return hpcs__rolling_layout(HPCS_T(name##_1d), HPCS_FAMILY_ROLLING, sizeof(T), x,          \
                                           outer, n, inner, window, min_periods, flags, &a, out);  \
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
        return hpcs__rolling_layout(HPCS_T(name##_1d), HPCS_FAMILY_ROLLING, sizeof(T), x,          \
                                           outer, n, inner, window, min_periods, flags, &a, out);  \
    }
ROLLING_DDOF_ENTRY(rolling_var)
ROLLING_DDOF_ENTRY(rolling_std)
#undef ROLLING_DDOF_ENTRY
