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
 * Long blocks go by sub-blocks: see rolling_sub_blocks; short windows of
 * sum and mean by direct sums: see rolling_direct.
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
/* Blocks longer than ROLLING_SUB_FROM go by sub-blocks of about ROLLING_SUB
 * positions (see rolling_sub_blocks), in groups of ROLLING_SUB_GROUP (16:
 * with 8 GCC did not vectorize the lane loops).  One core, 10M float64:
 * faster from w = 700 on (sub-blocks of 44); at w = 500 (of 32) std and
 * max were ~8% slower, at w = 200 sum 26 vs 21 ms. */
#ifndef ROLLING_SUB
#define ROLLING_SUB 64
#endif
#ifndef ROLLING_SUB_GROUP
#define ROLLING_SUB_GROUP 16
#endif
#ifndef ROLLING_SUB_FROM
#define ROLLING_SUB_FROM 640
#endif
/* Sum and mean with windows up to ROLLING_DIRECT_MAX go by direct sums
 * (see rolling_direct), ROLLING_DIRECT_LANES outputs side by side, in runs
 * of ROLLING_DIRECT_RUN outputs.  Their cost grows with the window: on
 * 100 000 values (in L2) they match the blocks at w = 16 and are 1.5x
 * slower at w = 24 (docs/decisions.md). */
#ifndef ROLLING_DIRECT_MAX
#define ROLLING_DIRECT_MAX 16
#endif
#define ROLLING_DIRECT_LANES 32
#define ROLLING_DIRECT_RUN 1024
/* The direct path prefetches input and output this many positions ahead
 * (w = 10, 10M float64, 1 thread, preallocated output: 14.2 -> 12.1 ms;
 * 256 and 4096 measured within the noise of 1024). */
#define ROLLING_DIRECT_AHEAD 1024

/* Scratch of one task, for blocks of `block` positions (see rolling_group):
 * xt[block][LANES] holds blocks b-1 .. b+G-1 transposed; cnt, s1, s2
 * [block + 1][G] the lanes' suffix aggregates (s2: var/std only). */
typedef struct rolling_scratch {
    double *xt, *cnt, *s1, *s2;
} rolling_scratch;

/* Scratch of the sub-block path (see rolling_sub_blocks); sides [2] are
 * blocks b-1 and b, alternately. */
typedef struct rolling_sub_scratch {
    double *xt;                     /* [sub][G]: one group, transposed */
    double *cnt[2], *s1[2], *s2[2]; /* suffixes [ngroups][sub + 1][G] (s2: var/std) */
    double *tot, *after;            /* [nsub][3]: totals of block b, "after" of b-1 */
    unsigned char *clean[2], *kept[2], *from; /* [ngroups]: group clean; its counts kept;
                                                * groups gi.. of b-1 clean */
} rolling_sub_scratch;

/* Prefetch bytes [from, to) of the input (to read) and of the output (to
 * write) into L2; in NULL: nothing to fetch.  Used by the whole-block and
 * direct paths (the sub-block path spreads its own over its scans). */
HPCS_INLINE void rolling_prefetch(const void *in, void *out, int64_t from, int64_t to)
{
    if (in == NULL) return;
    for (int64_t j = from & ~(int64_t)63; j < to; j += 64) {
        __builtin_prefetch((const char *)in + j, 0, 2);
        __builtin_prefetch((char *)out + j, 1, 2);
    }
}

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

/* (count, s1, s2) += (cb, s1b, s2b): the aggregate of two disjoint parts. */
HPCS_INLINE void agg_merge(double *count, double *s1, double *s2, double cb, double s1b,
                           double s2b, const int op)
{
    *count += cb;
    switch (op) {
    case ROLL_MIN: *s1 = s1b < *s1 ? s1b : *s1; break;
    case ROLL_MAX: *s1 = s1b > *s1 ? s1b : *s1; break;
    default:
        *s1 += s1b;
        *s2 += s2b;
        break;
    }
}

HPCS_INLINE int rolling_direct_fits(const int op, int64_t window)
{
    return (op == ROLL_SUM || op == ROLL_MEAN) && window <= ROLLING_DIRECT_MAX;
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

/* Lane of scratch xt (row stride `stride`) for the edge of a series: rows
 * [0, len) from x[start ..], NaN where outside [0, n), then NaN up to row
 * `rows`.  No conditional loads: they vectorize into masked loads, which
 * qemu-user 7.2 emulates without suppressing faults.  Returns whether
 * every row below len was inside [0, n) and not NaN. */
HPCS_INLINE int HPCS_T(rolling_load_lane)(const T *x, int64_t n, int64_t start, int64_t len,
                                          int64_t rows, double *xt, int64_t stride)
{
    const int64_t lo = start >= 0 ? 0 : -start < len ? -start : len;
    int64_t hi = n - start < len ? n - start : len;
    if (hi < lo) hi = lo;
    int clean = lo == 0 && hi == len;
    for (int64_t j = 0; j < lo; j++) xt[j * stride] = NAN;
    for (int64_t j = lo; j < hi; j++) {
        const double v = (double)x[start + j];
        clean &= v == v;
        xt[j * stride] = v;
    }
    for (int64_t j = hi; j < rows; j++) xt[j * stride] = NAN;
    return clean;
}

/* Block geometry of a series: window ends e run over [0, span), cut into
 * blocks of `block` positions (the window, or the whole span if shorter). */
typedef struct HPCS_T(rolling_job) {
    const T *x;
    T *out;
    int64_t n, span, block, nblocks, blocks_per_task;
    int64_t sub, nsub; /* sub-blocks (nsub > 1: see rolling_sub_blocks) */
    const hpcs__rolling_args *a;
} HPCS_T(rolling_job);

/* Rows [0, rows) of a lane of scratch xt (row stride `stride`), the outputs
 * of the windows ending at start .., go to out[end - offset] for the ends
 * in [offset, span). */
HPCS_INLINE void HPCS_T(rolling_store_lane)(const HPCS_T(rolling_job) *job, int64_t start,
                                            int64_t rows, const double *xt, int64_t stride)
{
    const int64_t offset = job->a->offset;
    const int64_t j0 = offset - start > 0 ? offset - start : 0;
    const int64_t j1 = job->span - start < rows ? job->span - start : rows;
    for (int64_t j = j0; j < j1; j++) job->out[start + j - offset] = (T)xt[j * stride];
}

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
    const int64_t n = job->n, block = job->block;
    double *restrict xt = sc->xt;

    /* Transpose blocks b-1 .. b+G-1 into lanes 0 .. G, noting NaNs. */
    const int64_t first = (b - 1) * block;
    int clean = first >= 0 && block <= (n - first) / L; /* all of x[first, first + L*block) */
    if (clean) {
        /* While reading this group, ask for the next group's input and
         * output (blocks b+G .. b+2G-1): a group reads, then scans, then
         * writes, and without this the memory sits idle during the scans.
         * Spread over the copy: one burst was slower (w = 100, 10M float64,
         * 1 thread, preallocated output: 25.7-26.0 ms before, 20.9 as a
         * burst, 16.9-18.1 spread). */
        const int64_t next = first + L * block, next_out = next - job->a->offset;
        const int64_t ahead = G * block * (int64_t)sizeof(T); /* bytes of each */
        const int fetch = G * block <= n - next && next_out >= 0 && G * block <= n - next_out;
        const T *fetch_in = fetch ? x + next : NULL;
        T *fetch_out = fetch ? job->out + next_out : NULL;
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
            for (int l = 0; l < L; l++) {
                rolling_prefetch(fetch_in, fetch_out, ahead * l / L, ahead * (l + 1) / L);
                for (int64_t j = 0; j < block; j++) ROLLING_TAKE(l, j);
            }
        else
            for (int64_t j = 0; j < block; j++) {
                rolling_prefetch(fetch_in, fetch_out, ahead * j / block, ahead * (j + 1) / block);
                for (int l = 0; l < L; l++) ROLLING_TAKE(l, j);
            }
#undef ROLLING_TAKE
        clean = !nan_seen;
    } else { /* edge groups: lane by lane (counted: clean stays 0) */
        for (int l = 0; l < L; l++)
            HPCS_T(rolling_load_lane)(x, n, first + l * block, block, block, xt + l, L);
    }
    double shift[ROLLING_GROUP] = {0};
    if (op == ROLL_VAR || op == ROLL_STD)
        for (int k = 0; k < g; k++) shift[k] = HPCS_T(block_shift)(x, n, (b + k) * block);

    if (clean)
        HPCS_T(rolling_scans)(xt, sc, block, shift, job->a, G, op, 0);
    else
        HPCS_T(rolling_scans)(xt, sc, block, shift, job->a, G, op, 1);

    /* Transpose the results back. */
    for (int64_t k = 0; k < g; k++)
        HPCS_T(rolling_store_lane)(job, (b + k) * block, block, xt + k + 1, L);
}

/* ---- Long windows: sub-blocks ---------------------------------------------
 * With long blocks the group above reads 17 and writes 16 streams `block`
 * apart, and its scratch leaves the caches (w = 10000: ~1.4 MB): sum was
 * ~1.8x slower than at w = 10.  Here each block is cut into nsub sub-blocks
 * of `sub` positions (the last ones shorter or empty), the same cut in
 * every block, and a group's lanes are ROLLING_SUB_GROUP consecutive
 * sub-blocks of one block: input and output are contiguous and the scratch
 * of a group stays in L1.  A window ending at row j of sub-block i of block
 * b is
 *   suffix from row j+1 of sub-block i of block b-1   (kept from block b-1)
 *   + whole sub-blocks i+1 .. of block b-1            ("after", from totals)
 *   + whole sub-blocks .. i-1 of block b              ("before", from totals)
 *   + prefix to row j of sub-block i of block b       (the forward scan).
 * Every part lies inside the window, so there is still no drift and
 * nothing that has left the window can poison an output; the middle is a
 * sum of at most window/sub totals, in sub-block order.  Blocks are walked
 * in order; a task first redoes the suffixes and totals of the block before
 * its first one, so the bits depend on neither the split nor the clone.
 * var/std use the shifts of the whole-block path: a window ending in block
 * b sums deviations from block b's shift K, so block b-1's suffixes and
 * "after" totals are taken with K (the shift of the block after theirs)
 * and block b's prefixes and "before" totals with its own. */

/* Backward scans of one group: suffixes (shift ks) into cs/s1s/s2s
 * [sub + 1][G]; the lanes' totals with shift ks in tot (count, s1, s2), and
 * with kp in own (s1, s2; var/std only, else own[0] = s1).  `counted` 0:
 * no NaN (counts not kept). */
HPCS_INLINE void HPCS_T(rolling_sub_back)(const double *restrict xt, double *restrict cs,
                                          double *restrict s1s, double *restrict s2s, int64_t sub,
                                          double ks, double kp, double tot[3][ROLLING_SUB_GROUP],
                                          double own[2][ROLLING_SUB_GROUP], const T *pf,
                                          int64_t pf_lines, const int op, const int counted)
{
    enum { G = ROLLING_SUB_GROUP };
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    double c[G], a1[G], a2[G], pc[G], p1[G], p2[G];
    for (int k = 0; k < G; k++) {
        c[k] = 0.0, a1[k] = agg_identity(op), a2[k] = 0.0, pc[k] = p1[k] = p2[k] = 0.0;
        s1s[sub * G + k] = a1[k];
        if (counted) cs[sub * G + k] = c[k];
        if (is_var) s2s[sub * G + k] = a2[k];
    }
    for (int64_t j = sub - 1; j >= 0; j--) {
        /* Prefetch the next group's input meanwhile (pf_lines cache lines a
         * row; pf NULL at the series' end): the load loop is a burst of
         * misses else. */
        for (int64_t q = 0; pf != NULL && q < pf_lines; q++)
            __builtin_prefetch(pf + ((sub - 1 - j) * pf_lines + q) * (int64_t)(64 / sizeof(T)), 0, 3);
        for (int k = 0; k < G; k++) {
            const double v = xt[j * G + k];
            agg_add(&c[k], &a1[k], &a2[k], v, ks, op, counted);
            s1s[j * G + k] = a1[k];
            if (counted) cs[j * G + k] = c[k];
            if (is_var) {
                s2s[j * G + k] = a2[k];
                agg_add(&pc[k], &p1[k], &p2[k], v, kp, op, counted);
            }
        }
    }
    for (int k = 0; k < G; k++) {
        tot[0][k] = c[k], tot[1][k] = a1[k], tot[2][k] = a2[k];
        own[0][k] = is_var ? p1[k] : a1[k], own[1][k] = p2[k];
    }
}

/* Forward scans: prefixes (shift kp) joined with block b-1's suffix from
 * row j + 1 and the middle mid (count, s1, s2); the outputs overwrite the
 * input in xt.
 * `counted` 0: every window holds `full` valid values. */
HPCS_INLINE void HPCS_T(rolling_sub_fwd)(double *restrict xt, const double *restrict cp,
                                         const double *restrict s1p, const double *restrict s2p,
                                         int64_t sub, double kp, double mid[3][ROLLING_SUB_GROUP],
                                         double full,
                                         T *pf, int64_t pf_lines, const hpcs__rolling_args *args,
                                         const int op, const int counted)
{
    enum { G = ROLLING_SUB_GROUP };
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    double c[G], a1[G], a2[G];
    for (int k = 0; k < G; k++) c[k] = 0.0, a1[k] = agg_identity(op), a2[k] = 0.0;
    for (int64_t j = 0; j < sub; j++) {
        for (int64_t q = 0; pf != NULL && q < pf_lines; q++) /* the next group's output */
            __builtin_prefetch(pf + (j * pf_lines + q) * (int64_t)(64 / sizeof(T)), 1, 3);
        for (int k = 0; k < G; k++) {
            agg_add(&c[k], &a1[k], &a2[k], xt[j * G + k], kp, op, counted);
            const int64_t sj = (j + 1) * G + k;
            double ca = counted ? cp[sj] : 0.0, s1a = s1p[sj], s2a = is_var ? s2p[sj] : 0.0;
            agg_merge(&ca, &s1a, &s2a, mid[0][k], mid[1][k], mid[2][k], op);
            xt[j * G + k] = agg_window(ca, s1a, s2a, c[k], a1[k], a2[k], args, op, counted, full);
        }
    }
}

/* Group gi (sub-blocks gi*G ..) of block b: its suffixes go to side `cur`;
 * with outputs, its windows are written out.  `before` accumulates the
 * totals of block b's sub-blocks so far, *upto whether all its groups so
 * far were clean. */
HPCS_INLINE void HPCS_T(rolling_sub_group)(const HPCS_T(rolling_job) *job, int64_t b, int64_t gi,
                                           const rolling_sub_scratch *sc, int cur, int outputs,
                                           double ks, double kp, double before[3], int *upto,
                                           const int op)
{
    enum { G = ROLLING_SUB_GROUP };
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    const T *x = job->x;
    const int64_t n = job->n, block = job->block, sub = job->sub, nsub = job->nsub;
    const int64_t i0 = gi * G, base = b * block + i0 * sub; /* series index of lane 0, row 0 */
    double *restrict xt = sc->xt;
    int64_t len[G]; /* rows of each lane (0: no such sub-block) */
    for (int k = 0; k < G; k++) {
        const int64_t o = (i0 + k) * sub;
        len[k] = i0 + k >= nsub || o >= block ? 0 : block - o < sub ? block - o : sub;
    }
    /* Load: lanes are consecutive runs of the series.  Clean: every row of
     * every lane inside [0, n) and no NaN; then rows past a lane's end hold
     * the identity (uncounted scans), else NaN (missing). */
    int clean = 1, back_counted = 0;
    if (len[G - 1] == sub && base >= 0 && G * sub <= n - base) {
        int nan_seen = 0;
        for (int k = 0; k < G; k++)
            for (int64_t j = 0; j < sub; j++) {
                const double v = (double)x[base + k * sub + j];
                nan_seen |= v != v;
                xt[j * G + k] = v;
            }
        clean = !nan_seen;
    } else {
        for (int k = 0; k < G; k++)
            clean &= HPCS_T(rolling_load_lane)(x, n, base + k * sub, len[k], sub, xt + k, G);
        /* var/std: no value adds nothing under both shifts, so their
         * padding stays NaN and the suffixes are counted. */
        if (clean && !is_var)
            for (int k = 0; k < G; k++)
                for (int64_t j = len[k]; j < sub; j++) xt[j * G + k] = agg_identity(op);
        else
            back_counted = 1;
    }
    back_counted |= !clean;
    sc->clean[cur][gi] = (unsigned char)clean;
    sc->kept[cur][gi] = (unsigned char)back_counted;

    const int64_t gsize = (sub + 1) * G, ahead = G * sub;
    /* Cache lines of one group's input (or output) to prefetch per row. */
    const int64_t pf_lines = ((ahead * (int64_t)sizeof(T) - 1) / 64) / sub + 1;
    const int64_t pf_span = sub * pf_lines * (int64_t)(64 / sizeof(T));
    double *cs = sc->cnt[cur] + gi * gsize, *s1s = sc->s1[cur] + gi * gsize;
    double *s2s = is_var ? sc->s2[cur] + gi * gsize : NULL;
    double tot[3][G], own[2][G]; /* lane totals: shift ks; s1, s2 with kp */
    {
        const int64_t at = base + ahead; /* next group's input */
        const T *pf = at >= 0 && pf_span <= n - at ? x + at : NULL;
        if (back_counted)
            HPCS_T(rolling_sub_back)(xt, cs, s1s, s2s, sub, ks, kp, tot, own, pf, pf_lines, op, 1);
        else
            HPCS_T(rolling_sub_back)(xt, cs, s1s, s2s, sub, ks, kp, tot, own, pf, pf_lines, op, 0);
    }
    for (int k = 0; k < G; k++) {
        if (!back_counted) tot[0][k] = (double)len[k];
        if (i0 + k < nsub) {
            double *t = sc->tot + (i0 + k) * 3;
            t[0] = tot[0][k], t[1] = tot[1][k], t[2] = tot[2][k];
        }
    }
    if (!outputs) return;

    /* The middle of lane k's windows: "after" of sub-block i0+k in block
     * b-1, then the totals of block b's sub-blocks before it, in order. */
    double mid[3][G];
    for (int k = 0; k < G; k++) {
        const double *af = sc->after + (i0 + k < nsub ? i0 + k : 0) * 3; /* idle lanes: any */
        mid[0][k] = af[0], mid[1][k] = af[1], mid[2][k] = af[2];
        agg_merge(&mid[0][k], &mid[1][k], &mid[2][k], before[0], before[1], before[2], op);
        if (i0 + k < nsub)
            agg_merge(&before[0], &before[1], &before[2], tot[0][k], own[0][k], own[1][k], op);
    }
    *upto = *upto && clean;
    const int counted = !(*upto && sc->from[gi]);
    double *cp = sc->cnt[!cur] + gi * gsize;
    if (counted && !sc->kept[!cur][gi]) /* block b-1's counts were not kept: whole rows */
        for (int64_t j = 0; j <= sub; j++)
            for (int k = 0; k < G; k++) {
                const int64_t l = (i0 + k < nsub ? len[k] : 0) - j;
                cp[j * G + k] = l > 0 ? (double)l : 0.0;
            }
    {
        const int64_t at = base + ahead - job->a->offset; /* next group's output */
        T *pf = at >= 0 && pf_span <= n - at ? job->out + at : NULL;
        const double *s1p = sc->s1[!cur] + gi * gsize;
        const double *s2p = is_var ? sc->s2[!cur] + gi * gsize : NULL;
        if (counted)
            HPCS_T(rolling_sub_fwd)(xt, cp, s1p, s2p, sub, kp, mid, (double)block, pf, pf_lines,
                                    job->a, op, 1);
        else
            HPCS_T(rolling_sub_fwd)(xt, cp, s1p, s2p, sub, kp, mid, (double)block, pf, pf_lines,
                                    job->a, op, 0);
    }
    for (int k = 0; k < G; k++) HPCS_T(rolling_store_lane)(job, base + k * sub, len[k], xt + k, G);
}

/* Outputs of the windows ending in blocks [first, last), sub-block path. */
HPCS_INLINE hpcs_status HPCS_T(rolling_sub_blocks)(const HPCS_T(rolling_job) *job, int64_t first,
                                                   int64_t last, const int op)
{
    const size_t sub = (size_t)job->sub, nsub = (size_t)job->nsub;
    const size_t ngroups = (nsub - 1) / ROLLING_SUB_GROUP + 1;
    const size_t side = ngroups * (sub + 1) * ROLLING_SUB_GROUP;
    const size_t xt_len = sub * ROLLING_SUB_GROUP;
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    const size_t nsides = is_var ? 6 : 4;
    if (side > SIZE_MAX / sizeof(double) / 8) return HPCS_ERR_NOMEM;
    double *mem = malloc((xt_len + nsides * side + 6 * nsub) * sizeof *mem + 5 * ngroups);
    if (mem == NULL) return HPCS_ERR_NOMEM;
    rolling_sub_scratch sc = {.xt = mem};
    double *p = mem + xt_len;
    for (int s = 0; s < 2; s++) {
        sc.cnt[s] = p, sc.s1[s] = p + side, p += 2 * side;
        sc.s2[s] = is_var ? p : NULL, p += is_var ? side : 0;
    }
    sc.tot = p, sc.after = p + 3 * nsub;
    unsigned char *flags = (unsigned char *)(p + 6 * nsub);
    sc.clean[0] = flags, sc.clean[1] = flags + ngroups, sc.from = flags + 2 * ngroups;
    sc.kept[0] = flags + 3 * ngroups, sc.kept[1] = flags + 4 * ngroups;
    int cur = 0;
    for (int64_t b = first - 1; b < last; b++, cur = !cur) {
        /* var/std: suffixes of block b with the shift of block b+1, its
         * prefixes (and "before") with its own, as on the whole-block path. */
        double ks = 0.0, kp = 0.0;
        if (is_var) {
            ks = HPCS_T(block_shift)(job->x, job->n, (b + 1) * job->block);
            if (b >= first) kp = HPCS_T(block_shift)(job->x, job->n, b * job->block);
        }
        double before[3] = {0.0, agg_identity(op), 0.0};
        int upto = 1;
        for (int64_t gi = 0; gi < (int64_t)ngroups; gi++)
            HPCS_T(rolling_sub_group)(job, b, gi, &sc, cur, b >= first, ks, kp, before, &upto, op);
        /* For block b+1: "after" = totals of sub-blocks i+1 .. of block b,
         * from[gi] = groups gi .. of block b all clean. */
        double r[3] = {0.0, agg_identity(op), 0.0};
        for (int64_t i = (int64_t)nsub - 1; i >= 0; i--) {
            double *af = sc.after + i * 3;
            const double *t = sc.tot + i * 3;
            af[0] = r[0], af[1] = r[1], af[2] = r[2];
            agg_merge(&r[0], &r[1], &r[2], t[0], t[1], t[2], op);
        }
        unsigned char f = 1;
        for (int64_t gi = (int64_t)ngroups - 1; gi >= 0; gi--) sc.from[gi] = f = f && sc.clean[cur][gi];
    }
    free(mem);
    return HPCS_OK;
}

/* ---- Short windows of sum and mean: direct sums ---------------------------
 * With a window of at most ROLLING_DIRECT_MAX, each output is the plain sum
 * of its window's values in series order, computed for ROLLING_DIRECT_LANES
 * consecutive outputs side by side (lane l adds x[e+l-w+1+k] at step k:
 * unaligned vector loads, enough independent chains to hide the add
 * latency, no transposes).  ~w adds a value instead of the blocks' scans
 * and two transposes: see ROLLING_DIRECT_MAX.  Still nothing accumulates
 * along the series, and each output's arithmetic is the same whatever the
 * lane, clone or split.  "Blocks" (job->block) are here runs of
 * ROLLING_DIRECT_RUN outputs, the units of the task split. */

/* Outputs of the `lanes` windows ending at e0 .. e0+lanes-1, all inside the
 * series (x[e0-w+1 ..] on).  `counted` 0 treats every value as valid and
 * returns whether an output came out NaN: then a NaN (or inf - inf) is in
 * some window and the caller redoes them counted.  Without NaN both give
 * the same bits (a valid value adds itself either way). */
HPCS_INLINE int HPCS_T(rolling_direct_lanes)(const HPCS_T(rolling_job) *job, int64_t e0,
                                             const int lanes, const int op, const int counted)
{
    enum { E = ROLLING_DIRECT_LANES };
    const int64_t w = job->a->window;
    const T *restrict xs = job->x + e0 - w + 1;
    T *restrict out = job->out + e0 - job->a->offset;
    double c[E], s[E], unused = 0.0;
    /* The first step apart: zeroing the arrays first became a rep stos
     * that cost a fifth of the time. */
    for (int l = 0; l < lanes; l++) {
        const double v = (double)xs[l], ok = counted && v != v ? 0.0 : 1.0;
        c[l] = ok, s[l] = 0.0 + (ok != 0.0 ? v : 0.0);
    }
    for (int64_t k = 1; k < w; k++)
        for (int l = 0; l < lanes; l++)
            agg_add(&c[l], &s[l], &unused, (double)xs[k + l], 0.0, op, counted);
    for (int l = 0; l < lanes; l++)
        out[l] = (T)agg_window(0.0, 0.0, 0.0, c[l], s[l], 0.0, job->a, op, counted, (double)w);
    if (counted) return 0;
    int64_t nan_out = 0; /* as wide as a double: the compares need no packing */
    for (int l = 0; l < lanes; l++) nan_out |= s[l] != s[l] ? -1 : 0;
    return nan_out != 0;
}

/* The output of the window ending at e, which may reach outside the series. */
HPCS_INLINE void HPCS_T(rolling_direct_edge)(const HPCS_T(rolling_job) *job, int64_t e,
                                             const int op)
{
    const int64_t w = job->a->window;
    double c = 0.0, s = 0.0, unused = 0.0;
    for (int64_t j = e - w + 1 > 0 ? e - w + 1 : 0; j <= e && j < job->n; j++)
        agg_add(&c, &s, &unused, (double)job->x[j], 0.0, op, 1);
    job->out[e - job->a->offset] = (T)agg_window(0.0, 0.0, 0.0, c, s, 0.0, job->a, op, 1, 0.0);
}

/* Outputs of the windows ending in runs [first, last) of ROLLING_DIRECT_RUN
 * ends (only ends in [offset, span) are written). */
HPCS_INLINE hpcs_status HPCS_T(rolling_direct)(const HPCS_T(rolling_job) *job, int64_t first,
                                               int64_t last, const int op)
{
    enum { E = ROLLING_DIRECT_LANES };
    const int64_t w = job->a->window, run = job->block;
    const int64_t lo = first * run > job->a->offset ? first * run : job->a->offset;
    const int64_t hi = last * run < job->span ? last * run : job->span;
    /* Ends [inside, inside_end) have their whole window in [0, n). */
    const int64_t inside = w - 1 < lo ? lo : w - 1 > hi ? hi : w - 1;
    const int64_t inside_end = job->n < inside ? inside : job->n > hi ? hi : job->n;
    for (int64_t e = lo; e < inside; e++) HPCS_T(rolling_direct_edge)(job, e, op);
    /* Uncounted first, unless the window was cut to the series (see
     * hpcs__rolling_layout) below min_periods. */
    const int full = job->a->min_periods <= w;
    int64_t e = inside;
    for (; e + E <= inside_end; e += E) {
        if (e + ROLLING_DIRECT_AHEAD + E <= inside_end) /* then out[.. - offset] is too */
            rolling_prefetch(job->x + e + ROLLING_DIRECT_AHEAD,
                             job->out + e + ROLLING_DIRECT_AHEAD - job->a->offset, 0,
                             E * (int64_t)sizeof(T));
        if (!full || HPCS_T(rolling_direct_lanes)(job, e, E, op, 0))
            HPCS_T(rolling_direct_lanes)(job, e, E, op, 1);
    }
    for (; e < inside_end; e++)
        if (!full || HPCS_T(rolling_direct_lanes)(job, e, 1, op, 0))
            HPCS_T(rolling_direct_lanes)(job, e, 1, op, 1);
    for (e = inside_end; e < hi; e++) HPCS_T(rolling_direct_edge)(job, e, op);
    return HPCS_OK;
}

/* Outputs of the windows ending in blocks [first, last).  Everything a block
 * needs — its shift and the previous block's suffixes — is recomputed here
 * from the input, so any split of the blocks gives the same bits. */
HPCS_INLINE hpcs_status HPCS_T(rolling_blocks)(const HPCS_T(rolling_job) *job, int64_t first,
                                               int64_t last, const int op)
{
    if (rolling_direct_fits(op, job->a->window)) return HPCS_T(rolling_direct)(job, first, last, op);
    if (job->nsub > 1) return HPCS_T(rolling_sub_blocks)(job, first, last, op);
    const size_t block = (size_t)job->block; /* <= ROLLING_SUB_FROM */
    const int group = ROLLING_GROUP;
    const size_t suffix_len = (block + 1) * (size_t)group;
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    const size_t xt_len = block * (size_t)(group + 1);
    double *mem = malloc((xt_len + (is_var ? 3 : 2) * suffix_len) * sizeof *mem);
    if (mem == NULL) return HPCS_ERR_NOMEM;
    rolling_scratch sc = {.xt = mem, .cnt = mem + xt_len};
    sc.s1 = sc.cnt + suffix_len;
    sc.s2 = is_var ? sc.s1 + suffix_len : NULL;
    for (int64_t b = first; b < last; b += group) {
        const int64_t g = last - b < group ? last - b : group;
        HPCS_T(rolling_group)(job, b, g, &sc, ROLLING_GROUP, op);
    }
    free(mem);
    return HPCS_OK;
}

/* Run task(job, t) over the series' blocks (see hpcs__units_per_task). */
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
    job.nblocks = (job.span - 1) / job.block + 1; /* span >= 1: no overflow */
    /* Whole groups per task: a task's last group would otherwise be
     * partly idle lanes. */
    const int64_t per_task = hpcs__units_per_task(job.nblocks, job.block, a->nthreads);
    job.blocks_per_task = (per_task + ROLLING_GROUP - 1) / ROLLING_GROUP * ROLLING_GROUP;
    if (job.blocks_per_task > job.nblocks) job.blocks_per_task = job.nblocks;
    const int64_t ntasks = (job.nblocks + job.blocks_per_task - 1) / job.blocks_per_task;
    return hpcs__parallel_for_output(a->nthreads, ntasks, task, &job, out, (size_t)n * sizeof(T));
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
    double big = 0.0;
    for (int64_t j = 0; j < n; j++) {
        const double v = fabs((double)x[j]);
        big = v < INFINITY && v > big ? v : big;
    }
    if (big < 0x1p400) return HPCS_OK; /* no overflow: the non-finite outputs are right */
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
        const int64_t first = t * job->blocks_per_task;                                            \
        const int64_t last = first + job->blocks_per_task;                                         \
        return HPCS_T(rolling_blocks)(job, first, last < job->nblocks ? last : job->nblocks, op);  \
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
