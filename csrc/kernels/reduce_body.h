/*
 * Reductions over one contiguous slice, for element type T (see reduce.c).
 *
 * A slice is cut into chunks of HPCS_CHUNK elements; each chunk gives a
 * partial result, and partials are combined in chunk order.  Chunks may run
 * on several threads, but the cut and the combine order never change, so
 * neither do the bits.  Inside a chunk every loop keeps REDUCE_LANES
 * independent accumulators (element i goes to lane i % REDUCE_LANES) that
 * are combined in a fixed order: the compiler maps the lanes onto 2, 4 or 8
 * doubles per register depending on the clone, but the arithmetic and its
 * order are the same in every clone (-ffp-contract=off keeps FMA out).
 *
 * sum/mean: Kahan-compensated lanes, combined with Neumaier's algorithm;
 * the error does not grow with n.  If the compensated result is not finite
 * (inf/NaN in the data, or overflow) the plain IEEE sum is returned instead,
 * so inf/NaN follow numpy (sum([inf, -inf]) is NaN).
 * var/std: blocks of REDUCE_VAR_BLOCK elements, each reduced two-pass while
 * it sits in L1 (mean, then corrected sum of squared deviations), merged
 * with Chan's formula: one pass over memory, stable for any offset.
 * min/max: NaN-skipping lane minima plus a NaN count.
 */
#ifndef REDUCE_LANES
#define REDUCE_LANES 32 /* enough independent Kahan chains to hide add latency */
#define REDUCE_VAR_BLOCK 1024
#define REDUCE_STACK_PARTS 64

/* The partial result of one chunk: (sum, compensation, count),
 * (count, mean, m2) or (extreme, count, NaN count). */
typedef struct reduce_part {
    double a, b, c;
} reduce_part;

/* Neumaier: add v to (*sum, *comp).  The error of sum + v is taken with
 * Knuth's branch-free TwoSum, which gives the same exact error as
 * Neumaier's |sum| >= |v| test without a hard-to-predict branch. */
HPCS_INLINE void neumaier_add(double *sum, double *comp, double v)
{
    const double t = *sum + v;
    const double vv = t - *sum;
    *comp += (*sum - (t - vv)) + (v - vv);
    *sum = t;
}

/* Chan et al.: merge the (count, mean, m2) of a block into a running one. */
HPCS_INLINE void chan_merge(reduce_part *acc, const reduce_part *blk)
{
    if (blk->a == 0.0) return;
    if (acc->a == 0.0) { /* also keeps delta^2 * 0 from making a NaN of huge means */
        *acc = *blk;
        return;
    }
    double nt = acc->a + blk->a;
    double delta = blk->b - acc->b;
    acc->b += delta * (blk->a / nt);
    acc->c += blk->c + delta * delta * (acc->a * blk->a / nt);
    acc->a = nt;
}

/* Call HPCS_T(f)(x, m, len, use_mask, skipna, ...) with use_mask and skipna
 * as constants, so that each combination compiles to its own tight loop. */
#define REDUCE_SPECIALIZED(f, x, m, len, skipna, ...)                                             \
    ((m) ? ((skipna) ? HPCS_T(f)(x, m, len, 1, 1, ##__VA_ARGS__)                                  \
                     : HPCS_T(f)(x, m, len, 1, 0, ##__VA_ARGS__))                                 \
         : ((skipna) ? HPCS_T(f)(x, m, len, 0, 1, ##__VA_ARGS__)                                  \
                     : HPCS_T(f)(x, m, len, 0, 0, ##__VA_ARGS__)))

/* The winner of v and m; NaN never wins a comparison, so a NaN v loses. */
HPCS_INLINE double extreme_pick(double v, double m, const int is_max)
{
    if (is_max) return v > m ? v : m;
    return v < m ? v : m;
}

/* Lanes an n-element run touches: fewer than REDUCE_LANES only when
 * n < REDUCE_LANES.  The others would keep their initial +0.0 (sums) or
 * +-inf (extremes), and combining them changes no bit: an accumulator that
 * starts at +0.0 and is only ever added to is never -0.0, so adding +0.0 or
 * -0.0 to it leaves it as it is (finite or not; Neumaier's compensation of
 * such an add is +0.0).  So they are neither initialised nor combined, and
 * a call on a few elements does not pay for all the lanes. */
HPCS_INLINE int lanes_used(int64_t n)
{
    return n < REDUCE_LANES ? (int)n : REDUCE_LANES;
}

/* Run task(job, chunk) over the chunks of an n-element slice and return the
 * array of partials (stack when small, else heap: free it if != stack). */
HPCS_INLINE hpcs_status run_chunks(int64_t n, int64_t nthreads, hpcs__task_fn task, void *job,
                                   reduce_part **parts_io, reduce_part *stack,
                                   int64_t *nchunks_out)
{
    const int64_t nchunks = hpcs__nchunks(n);
    reduce_part *parts = stack;
    if (nchunks > REDUCE_STACK_PARTS) {
        parts = malloc((size_t)nchunks * sizeof *parts);
        if (parts == NULL) return HPCS_ERR_NOMEM;
    }
    *parts_io = parts;
    *nchunks_out = nchunks;
    return hpcs__parallel_for(nthreads, nchunks, task, job);
}
#endif

/* Everything a chunk task needs; `parts` is set by run_chunks' caller. */
typedef struct HPCS_T(reduce_job) {
    const T *x;
    const uint8_t *mask;
    int64_t n;
    int skipna;
    int compensated; /* sum: Kahan (1) or plain IEEE (0) */
    int is_max;      /* extremes: max (1) or min (0) */
    reduce_part **parts;
} HPCS_T(reduce_job);

/* The elements (and mask) of one chunk of the job's slice. */
typedef struct HPCS_T(chunk_view) {
    const T *x;
    const uint8_t *m;
    int64_t len;
} HPCS_T(chunk_view);

HPCS_INLINE HPCS_T(chunk_view) HPCS_T(chunk_of)(const HPCS_T(reduce_job) *job, int64_t chunk)
{
    const int64_t start = chunk * HPCS_CHUNK;
    HPCS_T(chunk_view) c = {job->x + start, job->mask ? job->mask + start : NULL,
                            job->n - start < HPCS_CHUNK ? job->n - start : HPCS_CHUNK};
    return c;
}

/* Load element k: *ok says whether it takes part (mask, NaN skipping). */
HPCS_INLINE double HPCS_T(load)(const T *x, const uint8_t *mask, int64_t k, const int use_mask,
                                const int skipna, double *ok)
{
    double v = (double)x[k];
    int take = 1;
    if (use_mask) take = mask[k] != 0;
    if (skipna) take = take && (v == v);
    *ok = take ? 1.0 : 0.0;
    return v;
}

/* ---- sum / mean ---------------------------------------------------------- */

HPCS_INLINE void HPCS_T(sum_step)(double v, double ok, const int compensated, const int counted,
                                  double *s, double *c, double *cnt)
{
    v = ok != 0.0 ? v : 0.0;
    if (counted) *cnt += ok; /* else every element counts: the caller knows how many */
    if (compensated) {
        double y = v - *c;
        double t = *s + y;
        *c = (t - *s) - y;
        *s = t;
    } else {
        *s += v;
    }
}

HPCS_INLINE reduce_part HPCS_T(sum_lanes)(const T *x, const uint8_t *mask, int64_t n,
                                          const int use_mask, const int skipna,
                                          const int compensated)
{
    const int counted = use_mask || skipna; /* else the count is n */
    const int used = lanes_used(n);
    double s[REDUCE_LANES], c[REDUCE_LANES], cnt[REDUCE_LANES];
    for (int l = 0; l < used; l++) s[l] = c[l] = cnt[l] = 0.0;
    int64_t i = 0;
    for (; i + REDUCE_LANES <= n; i += REDUCE_LANES)
        for (int l = 0; l < REDUCE_LANES; l++) {
            double ok, v = HPCS_T(load)(x, mask, i + l, use_mask, skipna, &ok);
            HPCS_T(sum_step)(v, ok, compensated, counted, &s[l], &c[l], &cnt[l]);
        }
    for (int l = 0; i < n; i++, l++) {
        double ok, v = HPCS_T(load)(x, mask, i, use_mask, skipna, &ok);
        HPCS_T(sum_step)(v, ok, compensated, counted, &s[l], &c[l], &cnt[l]);
    }
    reduce_part p = {0.0, 0.0, counted ? 0.0 : (double)n};
    for (int l = 0; l < used; l++) {
        if (compensated) {
            neumaier_add(&p.a, &p.b, s[l]);
            neumaier_add(&p.a, &p.b, -c[l]);
        } else {
            p.a += s[l];
        }
        if (counted) p.c += cnt[l];
    }
    return p;
}

HPCS_CLONES static hpcs_status HPCS_T(sum_task)(void *ctx, int64_t chunk)
{
    const HPCS_T(reduce_job) *job = ctx;
    const HPCS_T(chunk_view) c = HPCS_T(chunk_of)(job, chunk);
    (*job->parts)[chunk] = job->compensated
                               ? REDUCE_SPECIALIZED(sum_lanes, c.x, c.m, c.len, job->skipna, 1)
                               : REDUCE_SPECIALIZED(sum_lanes, c.x, c.m, c.len, job->skipna, 0);
    return HPCS_OK;
}

/* Sum and count of the slice (compensated; plain IEEE if that is not finite). */
static hpcs_status HPCS_T(sum_count)(const T *x, const uint8_t *mask, int64_t n,
                                     const hpcs__reduce_args *a, double *sum, double *count)
{
    reduce_part stack[REDUCE_STACK_PARTS], *parts = NULL;
    HPCS_T(reduce_job) job = {.x = x, .mask = mask, .n = n, .compensated = 1,
                              .skipna = (a->flags & HPCS_SKIPNA) != 0, .parts = &parts};
    int64_t nchunks;
    hpcs_status st = run_chunks(n, a->nthreads, HPCS_T(sum_task), &job, &parts, stack, &nchunks);
    double s = 0.0, comp = 0.0, cnt = 0.0;
    for (int64_t c = 0; c < nchunks && st == HPCS_OK; c++) {
        neumaier_add(&s, &comp, parts[c].a);
        comp += parts[c].b;
        cnt += parts[c].c;
    }
    s += comp;
    if (st == HPCS_OK && !isfinite(s)) {
        job.compensated = 0;
        st = hpcs__parallel_for(a->nthreads, nchunks, HPCS_T(sum_task), &job);
        s = 0.0;
        for (int64_t c = 0; c < nchunks; c++) s += parts[c].a;
    }
    if (parts != stack) free(parts);
    *sum = s;
    *count = cnt;
    return st;
}

HPCS_CLONES static hpcs_status HPCS_T(sum_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)out_stride;
    double count;
    return HPCS_T(sum_count)(xv, mask, n, a, out, &count);
}

HPCS_CLONES static hpcs_status HPCS_T(mean_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                               const hpcs__reduce_args *a, double *out,
                                               int64_t out_stride)
{
    (void)out_stride;
    double sum, count;
    hpcs_status st = HPCS_T(sum_count)(xv, mask, n, a, &sum, &count);
    *out = count > 0.0 ? sum / count : NAN;
    return st;
}

/* ---- var / std ----------------------------------------------------------- */

/* Lane sums of the block's taking-part values (shift = 0; and their counts
 * into cnt unless every element takes part) or of their deviations from
 * `shift` (and of the squared deviations into sq).  The lanes_used(n)
 * first lanes must be zero on entry. */
HPCS_INLINE void HPCS_T(block_lanes)(const T *x, const uint8_t *mask, int64_t n,
                                     const int use_mask, const int skipna, const int deviations,
                                     double shift, double *s, double *sq, double *cnt)
{
    const int counted = !deviations && (use_mask || skipna);
    int64_t i = 0;
    for (; i + REDUCE_LANES <= n; i += REDUCE_LANES)
        for (int l = 0; l < REDUCE_LANES; l++) {
            double ok, v = HPCS_T(load)(x, mask, i + l, use_mask, skipna, &ok);
            double d = ok != 0.0 ? v - shift : 0.0;
            s[l] += d;
            if (deviations) sq[l] += d * d;
            else if (counted) cnt[l] += ok;
        }
    for (int l = 0; i < n; i++, l++) {
        double ok, v = HPCS_T(load)(x, mask, i, use_mask, skipna, &ok);
        double d = ok != 0.0 ? v - shift : 0.0;
        s[l] += d;
        if (deviations) sq[l] += d * d;
        else if (counted) cnt[l] += ok;
    }
}

/* (count, mean, m2) of one block, two-pass over it while it is in L1. */
HPCS_INLINE reduce_part HPCS_T(block_moments)(const T *x, const uint8_t *mask, int64_t n,
                                              const int use_mask, const int skipna)
{
    const int counted = use_mask || skipna; /* else the count is n */
    const int used = lanes_used(n);
    double s[REDUCE_LANES], cnt[REDUCE_LANES];
    for (int l = 0; l < used; l++) s[l] = cnt[l] = 0.0;
    HPCS_T(block_lanes)(x, mask, n, use_mask, skipna, 0, 0.0, s, NULL, cnt);
    double sum = 0.0, count = counted ? 0.0 : (double)n;
    for (int l = 0; l < used; l++) {
        sum += s[l];
        if (counted) count += cnt[l];
    }
    reduce_part p = {count, 0.0, 0.0};
    if (count == 0.0) return p;
    double mean = sum / count;
    if (!isfinite(mean)) {
        /* inf/NaN data, or finite values whose sum overflows (|x| near
         * DBL_MAX): then the mean of x / count is finite.  Rare: scalar. */
        double scaled = 0.0, ok;
        for (int64_t i = 0; i < n; i++) {
            double v = HPCS_T(load)(x, mask, i, use_mask, skipna, &ok);
            if (ok != 0.0) scaled += v / count;
        }
        if (isfinite(scaled)) mean = scaled;
    }
    double d1[REDUCE_LANES], d2[REDUCE_LANES];
    for (int l = 0; l < used; l++) d1[l] = d2[l] = 0.0;
    HPCS_T(block_lanes)(x, mask, n, use_mask, skipna, 1, mean, d1, d2, NULL);
    double s1 = 0.0, s2 = 0.0;
    for (int l = 0; l < used; l++) {
        s1 += d1[l];
        s2 += d2[l];
    }
    /* Corrected two-pass: s1 is the rounding error of the block mean. */
    p.b = mean + s1 / count;
    p.c = s2 - s1 * s1 / count;
    /* A finite mean with overflowing deviations: the variance overflows. */
    if (isfinite(mean) && !isfinite(p.c)) p.b = mean, p.c = INFINITY;
    return p;
}

HPCS_INLINE reduce_part HPCS_T(chunk_moments)(const T *x, const uint8_t *mask, int64_t n,
                                              const int use_mask, const int skipna)
{
    reduce_part acc = {0.0, 0.0, 0.0};
    for (int64_t b0 = 0; b0 < n; b0 += REDUCE_VAR_BLOCK) {
        const int64_t bn = n - b0 < REDUCE_VAR_BLOCK ? n - b0 : REDUCE_VAR_BLOCK;
        reduce_part blk = HPCS_T(block_moments)(x + b0, use_mask ? mask + b0 : mask, bn,
                                                use_mask, skipna);
        chan_merge(&acc, &blk);
    }
    return acc;
}

HPCS_CLONES static hpcs_status HPCS_T(moments_task)(void *ctx, int64_t chunk)
{
    const HPCS_T(reduce_job) *job = ctx;
    const HPCS_T(chunk_view) c = HPCS_T(chunk_of)(job, chunk);
    (*job->parts)[chunk] = REDUCE_SPECIALIZED(chunk_moments, c.x, c.m, c.len, job->skipna);
    return HPCS_OK;
}

HPCS_CLONES static hpcs_status HPCS_T(var_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)out_stride;
    reduce_part stack[REDUCE_STACK_PARTS], *parts = NULL;
    HPCS_T(reduce_job) job = {.x = xv, .mask = mask, .n = n,
                              .skipna = (a->flags & HPCS_SKIPNA) != 0, .parts = &parts};
    int64_t nchunks;
    hpcs_status st = run_chunks(n, a->nthreads, HPCS_T(moments_task), &job, &parts, stack,
                                &nchunks);
    reduce_part acc = {0.0, 0.0, 0.0};
    for (int64_t c = 0; c < nchunks && st == HPCS_OK; c++) chan_merge(&acc, &parts[c]);
    if (parts != stack) free(parts);
    const double dof = acc.a - (double)a->ddof;
    double var = dof > 0.0 ? acc.c / dof : NAN;
    /* A NaN/inf mean leaves m2 meaningless: the variance is NaN (numpy). */
    if (!isfinite(acc.b)) var = NAN;
    *out = var < 0.0 ? 0.0 : var;
    return st;
}

HPCS_CLONES static hpcs_status HPCS_T(std_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    hpcs_status st = HPCS_T(var_1d)(xv, mask, n, a, out, out_stride);
    *out = sqrt(*out);
    return st;
}

/* ---- min / max ----------------------------------------------------------- */

HPCS_INLINE void HPCS_T(extreme_step)(double v, double ok, const int is_max, double init,
                                      double *m, double *cnt, double *nan, const int counted)
{
    if (counted) *cnt += ok; /* else every element counts: the caller knows how many */
    *nan += (ok != 0.0 && v != v) ? 1.0 : 0.0;
    *m = extreme_pick(ok != 0.0 ? v : init, *m, is_max);
}

HPCS_INLINE reduce_part HPCS_T(extreme_lanes)(const T *x, const uint8_t *mask, int64_t n,
                                              const int use_mask, const int skipna,
                                              const int is_max)
{
    const double init = is_max ? -INFINITY : INFINITY;
    const int counted = use_mask || skipna; /* else the count is n */
    const int used = lanes_used(n);
    double m[REDUCE_LANES], cnt[REDUCE_LANES], nan[REDUCE_LANES];
    for (int l = 0; l < used; l++) {
        m[l] = init;
        cnt[l] = nan[l] = 0.0;
    }
    int64_t i = 0;
    for (; i + REDUCE_LANES <= n; i += REDUCE_LANES)
        for (int l = 0; l < REDUCE_LANES; l++) {
            double ok, v = HPCS_T(load)(x, mask, i + l, use_mask, skipna, &ok);
            HPCS_T(extreme_step)(v, ok, is_max, init, &m[l], &cnt[l], &nan[l], counted);
        }
    for (int l = 0; i < n; i++, l++) {
        double ok, v = HPCS_T(load)(x, mask, i, use_mask, skipna, &ok);
        HPCS_T(extreme_step)(v, ok, is_max, init, &m[l], &cnt[l], &nan[l], counted);
    }
    reduce_part p = {init, counted ? 0.0 : (double)n, 0.0};
    for (int l = 0; l < used; l++) {
        p.a = extreme_pick(m[l], p.a, is_max);
        if (counted) p.b += cnt[l];
        p.c += nan[l];
    }
    return p;
}

HPCS_CLONES static hpcs_status HPCS_T(extreme_task)(void *ctx, int64_t chunk)
{
    const HPCS_T(reduce_job) *job = ctx;
    const HPCS_T(chunk_view) c = HPCS_T(chunk_of)(job, chunk);
    (*job->parts)[chunk] = REDUCE_SPECIALIZED(extreme_lanes, c.x, c.m, c.len, job->skipna, job->is_max);
    return HPCS_OK;
}

static hpcs_status HPCS_T(extreme)(const void *xv, const uint8_t *mask, int64_t n,
                                   const hpcs__reduce_args *a, const int is_max, double *out)
{
    reduce_part stack[REDUCE_STACK_PARTS], *parts = NULL;
    HPCS_T(reduce_job) job = {.x = xv, .mask = mask, .n = n, .is_max = is_max,
                              .skipna = (a->flags & HPCS_SKIPNA) != 0, .parts = &parts};
    int64_t nchunks;
    hpcs_status st = run_chunks(n, a->nthreads, HPCS_T(extreme_task), &job, &parts, stack,
                                &nchunks);
    double r = is_max ? -INFINITY : INFINITY, count = 0.0, nans = 0.0;
    for (int64_t c = 0; c < nchunks && st == HPCS_OK; c++) {
        r = extreme_pick(parts[c].a, r, is_max);
        count += parts[c].b;
        nans += parts[c].c;
    }
    if (parts != stack) free(parts);
    if (st != HPCS_OK) return st;
    if (count == 0.0) return HPCS_ERR_EMPTY;
    *out = nans > 0.0 ? NAN : r;
    return HPCS_OK;
}

HPCS_CLONES static hpcs_status HPCS_T(min_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)out_stride;
    return HPCS_T(extreme)(xv, mask, n, a, 0, out);
}

HPCS_CLONES static hpcs_status HPCS_T(max_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)out_stride;
    return HPCS_T(extreme)(xv, mask, n, a, 1, out);
}

/* ---- public entry points ------------------------------------------------- */

#define REDUCE_ENTRY(op)                                                                           \
    HPCS_API hpcs_status HPCS_T(hpcs_##op)(const T *x, int64_t outer, int64_t n, int64_t inner,    \
                                           const uint8_t *where, uint32_t flags, double *out)      \
    {                                                                                              \
        hpcs__reduce_args a = {.flags = flags};                                                    \
        return hpcs__reduce_layout(HPCS_T(op##_1d), HPCS_FAMILY_REDUCE, sizeof(T), x,              \
                                          outer, n, inner, where, &a, 1, out);                     \
    }
REDUCE_ENTRY(sum)
REDUCE_ENTRY(mean)
REDUCE_ENTRY(min)
REDUCE_ENTRY(max)
#undef REDUCE_ENTRY

#define REDUCE_DDOF_ENTRY(op)                                                                      \
    HPCS_API hpcs_status HPCS_T(hpcs_##op)(const T *x, int64_t outer, int64_t n, int64_t inner,    \
                                           const uint8_t *where, int64_t ddof, uint32_t flags,     \
                                           double *out)                                            \
    {                                                                                              \
        if (ddof < 0) return HPCS_ERR_ARG;                                                         \
        hpcs__reduce_args a = {.flags = flags, .ddof = ddof};                                      \
        return hpcs__reduce_layout(HPCS_T(op##_1d), HPCS_FAMILY_REDUCE, sizeof(T), x,              \
                                          outer, n, inner, where, &a, 1, out);                     \
    }
REDUCE_DDOF_ENTRY(var)
REDUCE_DDOF_ENTRY(std)
#undef REDUCE_DDOF_ENTRY
