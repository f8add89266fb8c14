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
 * sum/mean/var/std are correctly rounded functions of the multiset of
 * included terms (see exact.h and rounded_sum below), so their bits never
 * depend on order, chunking, threads, clone or layout.  sum/mean: the double
 * nearest to the exact sum / exact mean.  var: the double nearest to
 * sum(fl(x - m)^2) / (count - ddof), m the correctly rounded mean (two
 * passes); std its square root.
 * min/max: NaN-skipping lane minima plus a NaN count.
 */
#ifndef REDUCE_LANES
#include "exact.h"

#define REDUCE_LANES 32 /* enough independent chains to hide latency */
#define REDUCE_STACK_PARTS 64

/* The partial result of one chunk: (sum, compensation, count),
 * (count, mean, m2) or (extreme, count, NaN count). */
typedef struct reduce_part {
    double a, b, c;
} reduce_part;

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

/* ---- correctly rounded sums: type-independent helpers ------------------- */

#define SUM_LANES 16 /* independent TwoSum chains per chunk */

/* The fast pass keeps its chains in four GCC vectors of four lanes (lane
 * l of the pass is lane l % 4 of vector l / 4): as arrays of doubles GCC
 * left them on the stack, with loads and stores around every step and
 * string instructions to clear them, which cost more than the arithmetic
 * on ~100 values.  Four lanes, not eight: GCC lowers eight-lane vectors to
 * AVX2 through memory.  Vectors are passed by pointer (no vector ABI
 * between clones). */
#define SUM_W 4
typedef double sum_vec __attribute__((vector_size(SUM_W * 8)));
typedef int64_t sum_ivec __attribute__((vector_size(SUM_W * 8)));

_Static_assert(SUM_W == 4 && SUM_LANES == 4 * SUM_W, "fast_lanes names four 4-lane vectors");

#define SUM_VEC_ABS(v) ((sum_vec)((sum_ivec)(v) & INT64_MAX))

/* One TwoSum step of each lane: s + v = s' + e exactly; the errors e go to
 * c with a rounded add, whose error is at most u |c'|: a sums those |c'|. */
HPCS_INLINE void sum_vec_step(sum_vec *s, sum_vec *c, sum_vec *a, const sum_vec *v)
{
    const sum_vec t = *s + *v;
    const sum_vec z = t - *s;
    *c += (*s - (t - z)) + (*v - z);
    *a += SUM_VEC_ABS(*c);
    *s = t;
}

/* Lane-wise merge of chains (s, c, a, cnt) with (os, oc, oa, ocnt): TwoSum
 * moves the error of s + os exactly into c; the two rounded adds into c
 * add their results' magnitudes to the bound a. */
HPCS_INLINE void sum_vec_merge(sum_vec *s, sum_vec *c, sum_vec *a, sum_vec *cnt,
                               const sum_vec *os, const sum_vec *oc, const sum_vec *oa,
                               const sum_vec *ocnt)
{
    const sum_vec t = *s + *os, z = t - *s;
    const sum_vec e = (*s - (t - z)) + (*os - z);
    const sum_vec r1 = *c + *oc, r2 = r1 + e;
    *s = t;
    *c = r2;
    *a = (*a + *oa) + (SUM_VEC_ABS(r1) + SUM_VEC_ABS(r2));
    *cnt += *ocnt;
}

/* Lane l ^ h of v in lane l (h = 2 or 1): GCC and clang spell a constant
 * permutation differently (the fuzzing build is clang's). */
#ifdef __clang__
#define SUM_VEC_SWAP(v, h)                                                                         \
    ((h) == 2 ? __builtin_shufflevector(v, v, 2, 3, 0, 1) : __builtin_shufflevector(v, v, 1, 0, 3, 2))
#else
#define SUM_VEC_SWAP(v, h)                                                                         \
    __builtin_shuffle(v, (h) == 2 ? (sum_ivec){2, 3, 0, 1} : (sum_ivec){1, 0, 3, 2})
#endif

/* Merge lane l with lane l ^ h of the vector (h = 2 or 1). */
HPCS_INLINE void sum_vec_merge_within(sum_vec *s, sum_vec *c, sum_vec *a, sum_vec *cnt, int h)
{
    const sum_vec os = SUM_VEC_SWAP(*s, h), oc = SUM_VEC_SWAP(*c, h);
    const sum_vec oa = SUM_VEC_SWAP(*a, h), ocnt = SUM_VEC_SWAP(*cnt, h);
    sum_vec_merge(s, c, a, cnt, &os, &oc, &oa, &ocnt);
}

/* A chunk's sum as a double-double hi + lo that is within err of the exact
 * sum of its terms (err = inf: a term was inf/NaN, or a chain overflowed). */
typedef struct fsum_part {
    double hi, lo, err, count;
} fsum_part;


/* (hi, lo) += w: hi takes w with Knuth's TwoSum, lo takes its exact error
 * with a rounded add; *b accumulates |lo| after each add, so the rounding
 * errors of lo total at most u * b. */
HPCS_INLINE void dd_add(double *hi, double *lo, double *b, double w)
{
    const double t = *hi + w;
    const double z = t - *hi;
    *lo += (*hi - (t - z)) + (w - z);
    *hi = t;
    *b += fabs(*lo);
}

/* The bound on a sum of n positive rounded terms, u * b, made safe against
 * the rounding of b itself and of this product (n * u << 2^-16). */
HPCS_INLINE double err_bound(double b)
{
    return b * 0x1.0001p-53;
}

/* Exact product a * b = *p + *e (Dekker; no FMA, so every clone gives the
 * same bits).  Exact when no partial product underflows or overflows. */
HPCS_INLINE void two_prod(double a, double b, double *p, double *e)
{
    const double ca = 134217729.0 * a, cb = 134217729.0 * b;
    const double ah = ca - (ca - a), al = a - ah;
    const double bh = cb - (cb - b), bl = b - bh;
    *p = a * b;
    *e = ((ah * bh - *p) + ah * bl + al * bh) + al * bl;
}

/* The exact value X lies within E of hi + lo.  If X / k (k >= 1 an integer
 * below 2^53) certainly rounds to one double, store it in *out and return 1;
 * else return 0 (X is too close to a rounding boundary or E too large).
 * Comparisons are made on 2 * (distance), so half a subnormal gap needs no
 * representation; a rounded sum of nonnegative bounds only grows. */
HPCS_INLINE int certify(double hi, double lo, double E, double k, double *out)
{
    const double r = hi + lo;
    const double z = r - hi;
    const double rerr = (hi - (r - z)) + (lo - z); /* hi + lo = r + rerr exactly */
    if (!(fabs(r) < 0x1p990) || !(E < 0x1p990)) return 0;
    if (k == 1.0) {
        const double up = xacc_next_up(r) - r, dn = r - xacc_next_down(r);
        *out = r;
        return 2.0 * (rerr + E) < up && 2.0 * (rerr - E) > -dn;
    }
    if (r != 0.0 && fabs(r) < 0x1p-960) return 0; /* two_prod could underflow */
    double q = r / k, p, pe;
    /* One correction step: r / k is often not the nearest double to X / k,
     * since r itself is rounded. */
    two_prod(q, k, &p, &pe);
    q += ((r - p) - pe + rerr) / k;
    two_prod(q, k, &p, &pe);
    const double w1 = r - p; /* exact: p is within a factor 2 of r (Sterbenz) */
    const double w = (w1 - pe) + rerr;
    const double F = (E + 0x1p-51 * (fabs(w1) + fabs(pe) + fabs(rerr))) * 0x1.0001p0;
    const double up = xacc_next_up(q) - q, dn = q - xacc_next_down(q);
    *out = q;
    /* X / k - q = (X - q k) / k lies within F / k of w / k. */
    return 2.0 * (w + F) < k * up && 2.0 * (w - F) > -k * dn;
}

/* The floats around a >= 0, a finite double that is not a float: *lo
 * below, *hi above (2^128, the edge of float's range, above FLT_MAX). */
HPCS_INLINE void float_around(double a, double *lo, double *hi)
{
    const float f = (float)a;
    if (isinf(f) || (double)f > a) {
        *hi = isinf(f) ? 0x1p128 : (double)f;
        *lo = isinf(f) ? (double)FLT_MAX : (double)nextafterf(f, 0.0f);
    } else {
        *lo = (double)f;
        *hi = f == FLT_MAX ? 0x1p128 : (double)nextafterf(f, INFINITY);
    }
}

/* Whether d lies exactly halfway between two floats (FLT_MAX + half its gap
 * included): only there can rounding to double first and then to float
 * differ from rounding once to float. */
HPCS_INLINE int float_midpoint(double d)
{
    const double a = fabs(d);
    if (!(a <= 0x1.fffffffp127) || (double)(float)a == a) return 0;
    double lo, hi;
    float_around(a, &lo, &hi);
    return a - lo == hi - a; /* exact: lo, a, hi are within a factor 2 */
}

/* The float nearest to X / k, given d = RN(X / k) in double and X the exact
 * sum in p: d rounded to float, except at a float midpoint, where the sign
 * of X - k d decides (exactly zero: a tie, rounded to even). */
HPCS_INLINE double round_float(const xsum_part *p, double d, int64_t k)
{
    if (!float_midpoint(d)) return (float)d;
    xsum_part r = *p;
    xsum_put_mul(&r, -d, k);
    const int side = xacc_sign(&r.acc) * (d < 0.0 ? -1 : 1); /* > 0: |X / k| beyond |d| */
    if (side == 0) return (float)d;
    double lo, hi;
    float_around(fabs(d), &lo, &hi);
    return copysign(side > 0 ? (hi == 0x1p128 ? INFINITY : hi) : lo, d);
}

#endif

/* Everything a chunk task needs; `parts` is set by run_chunks' caller. */
typedef struct HPCS_T(reduce_job) {
    const T *x;
    const uint8_t *mask;
    int64_t n;
    int skipna;
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

/* ---- sum / mean / var / std: correctly rounded sums ---------------------- */

/* The terms summed: the values (mode 0), or the squares of their scaled
 * deviations, (x * sc - msc)^2 with msc = mean * sc (mode 1). */
typedef struct HPCS_T(sum_job) {
    const T *x;
    const uint8_t *mask;
    int64_t n;
    int skipna;
    int mode;
    double sc, msc;
    fsum_part *fparts;
    xsum_part *xparts;
} HPCS_T(sum_job);

/* The elements (*x, *m) and length of a job's chunk. */
HPCS_INLINE int64_t HPCS_T(sum_chunk)(const HPCS_T(sum_job) *job, int64_t chunk, const T **x,
                                      const uint8_t **m)
{
    const int64_t start = chunk * HPCS_CHUNK;
    *x = job->x + start;
    *m = job->mask ? job->mask + start : NULL;
    return job->n - start < HPCS_CHUNK ? job->n - start : HPCS_CHUNK;
}

/* Term k of the slice; *ok says whether it takes part (mask, NaN skipping). */
HPCS_INLINE double HPCS_T(term)(const T *x, const uint8_t *mask, int64_t k, const int use_mask,
                                const int skipna, const int mode, double sc, double msc, double *ok)
{
    double v = HPCS_T(load)(x, mask, k, use_mask, skipna, ok);
    if (mode) {
        const double d = v * sc - msc;
        v = d * d;
    }
    return *ok != 0.0 ? v : 0.0;
}

/* Terms k .. k + SUM_W - 1 of the slice to *v and whether each takes part
 * to *take (all ones or zero); with `tail`, those at or past n are +0.0
 * and do not take part.  Terms that do not take part are +0.0, which adds
 * nothing to a chain (its sum is never -0.0). */
HPCS_INLINE void HPCS_T(term_vec)(const T *x, const uint8_t *mask, int64_t k, int64_t n,
                                  const int tail, const int use_mask, const int skipna,
                                  const int mode, double sc, double msc, sum_vec *v,
                                  sum_ivec *take)
{
    if (tail) { /* built in registers: through memory it stalled the loads */
        const double w0 = (double)x[k], w1 = k + 1 < n ? (double)x[k + 1] : 0.0;
        const double w2 = k + 2 < n ? (double)x[k + 2] : 0.0;
        const double w3 = k + 3 < n ? (double)x[k + 3] : 0.0;
        *v = (sum_vec){w0, w1, w2, w3};
    } else {
        double w[SUM_W];
        for (int q = 0; q < SUM_W; q++) w[q] = (double)x[k + q];
        memcpy(v, w, sizeof *v);
    }
    const sum_ivec lane = {0, 1, 2, 3};
    *take = tail ? lane + k < n : lane >= 0;
    if (use_mask) {
        int64_t m[SUM_W];
        for (int q = 0; q < SUM_W; q++) m[q] = !tail || k + q < n ? mask[k + q] : 0;
        *take &= (sum_ivec){m[0], m[1], m[2], m[3]} != 0;
    }
    if (skipna) *take &= *v == *v;
    if (mode) {
        const sum_vec d = *v * sc - msc;
        *v = d * d;
    }
    if (tail || use_mask || skipna) *v = (sum_vec)((sum_ivec)*v & *take);
}

/* One step of SUM_W chains (s, c, a) and their counts cnt over terms k ... */
HPCS_INLINE void HPCS_T(fast_vec)(const T *x, const uint8_t *mask, int64_t k, int64_t n,
                                  const int tail, const int use_mask, const int skipna,
                                  const int mode, double sc, double msc, sum_vec *s, sum_vec *c,
                                  sum_vec *a, sum_vec *cnt)
{
    sum_vec v;
    sum_ivec take;
    HPCS_T(term_vec)(x, mask, k, n, tail, use_mask, skipna, mode, sc, msc, &v, &take);
    if (use_mask || skipna) *cnt += (sum_vec)((sum_ivec)(1.0 + (sum_vec){0}) & take);
    sum_vec_step(s, c, a, &v);
}

/* Fast pass over one chunk: SUM_LANES TwoSum chains (element i goes to lane
 * i % SUM_LANES), their totals summed as a double-double, and a bound on
 * how far that is from the exact sum. */
HPCS_INLINE fsum_part HPCS_T(fast_lanes)(const T *x, const uint8_t *mask, int64_t n,
                                         const int use_mask, const int skipna, const int mode,
                                         double sc, double msc)
{
    const int counted = use_mask || skipna; /* else the count is n */
    /* Named vectors, not an array: GCC kept an array on the stack. */
    sum_vec s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0}, c0 = {0}, c1 = {0}, c2 = {0}, c3 = {0};
    sum_vec a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, n0 = {0}, n1 = {0}, n2 = {0}, n3 = {0};
    int64_t i = 0;
    for (; i + SUM_LANES <= n; i += SUM_LANES) {
        HPCS_T(fast_vec)(x, mask, i, n, 0, use_mask, skipna, mode, sc, msc, &s0, &c0, &a0, &n0);
        HPCS_T(fast_vec)(x, mask, i + 4, n, 0, use_mask, skipna, mode, sc, msc, &s1, &c1, &a1, &n1);
        HPCS_T(fast_vec)(x, mask, i + 8, n, 0, use_mask, skipna, mode, sc, msc, &s2, &c2, &a2, &n2);
        HPCS_T(fast_vec)(x, mask, i + 12, n, 0, use_mask, skipna, mode, sc, msc, &s3, &c3, &a3, &n3);
    }
    if (i < n) { /* the last n % SUM_LANES elements, in lanes 0, 1, ... */
        HPCS_T(fast_vec)(x, mask, i, n, 1, use_mask, skipna, mode, sc, msc, &s0, &c0, &a0, &n0);
        if (i + 4 < n)
            HPCS_T(fast_vec)(x, mask, i + 4, n, 1, use_mask, skipna, mode, sc, msc, &s1, &c1, &a1,
                             &n1);
        if (i + 8 < n)
            HPCS_T(fast_vec)(x, mask, i + 8, n, 1, use_mask, skipna, mode, sc, msc, &s2, &c2, &a2,
                             &n2);
        if (i + 12 < n)
            HPCS_T(fast_vec)(x, mask, i + 12, n, 1, use_mask, skipna, mode, sc, msc, &s3, &c3, &a3,
                             &n3);
    }
    /* Merge the lanes pairwise, a tree of depth 4 (lane l with l + h for
     * h = 8, 4, 2, 1), instead of a chain of 32 dependent double-double
     * adds; lanes a short chunk left at +0.0 merge exactly. */
    sum_vec_merge(&s0, &c0, &a0, &n0, &s2, &c2, &a2, &n2);
    sum_vec_merge(&s1, &c1, &a1, &n1, &s3, &c3, &a3, &n3);
    sum_vec_merge(&s0, &c0, &a0, &n0, &s1, &c1, &a1, &n1);
    sum_vec_merge_within(&s0, &c0, &a0, &n0, 2);
    sum_vec_merge_within(&s0, &c0, &a0, &n0, 1);
    fsum_part p = {0.0, 0.0, 0.0, counted ? n0[0] : (double)n};
    double b = 0.0;
    dd_add(&p.hi, &p.lo, &b, s0[0]);
    dd_add(&p.hi, &p.lo, &b, c0[0]);
    p.err = err_bound(a0[0] + b);
    if (!(p.err < INFINITY) || !isfinite(p.hi) || !isfinite(p.lo)) p.err = INFINITY;
    return p;
}

HPCS_CLONES static hpcs_status HPCS_T(fast_task)(void *ctx, int64_t chunk)
{
    const HPCS_T(sum_job) *job = ctx;
    const T *x;
    const uint8_t *m;
    const int64_t len = HPCS_T(sum_chunk)(job, chunk, &x, &m);
    job->fparts[chunk] = job->mode
        ? REDUCE_SPECIALIZED(fast_lanes, x, m, len, job->skipna, 1, job->sc, job->msc)
        : REDUCE_SPECIALIZED(fast_lanes, x, m, len, job->skipna, 0, job->sc, job->msc);
    return HPCS_OK;
}

/* Exact pass over one chunk: every term into a superaccumulator. */
HPCS_INLINE void HPCS_T(exact_chunk)(const T *x, const uint8_t *mask, int64_t n,
                                     const int use_mask, const int skipna, const int mode,
                                     double sc, double msc, xsum_part *p)
{
    xacc_init(&p->acc);
    p->count = 0.0;
    p->nan = p->pinf = p->ninf = 0;
    for (int64_t i = 0; i < n; i++) {
        double ok, v = HPCS_T(term)(x, mask, i, use_mask, skipna, mode, sc, msc, &ok);
        if (ok == 0.0) continue;
        p->count += 1.0;
        xsum_put(p, v);
    }
}

HPCS_CLONES static hpcs_status HPCS_T(exact_task)(void *ctx, int64_t chunk)
{
    const HPCS_T(sum_job) *job = ctx;
    const T *x;
    const uint8_t *m;
    const int64_t len = HPCS_T(sum_chunk)(job, chunk, &x, &m);
    xsum_part *p = &job->xparts[chunk];
    if (job->mode) REDUCE_SPECIALIZED(exact_chunk, x, m, len, job->skipna, 1, job->sc, job->msc, p);
    else REDUCE_SPECIALIZED(exact_chunk, x, m, len, job->skipna, 0, job->sc, job->msc, p);
    return HPCS_OK;
}

/* The exact sum of the slice's terms into *whole (count and non-finite
 * terms included), chunks on up to nthreads threads. */
HPCS_CLONES static hpcs_status HPCS_T(exact_sum)(HPCS_T(sum_job) *job, int64_t nthreads, xsum_part *whole)
{
    const int64_t nchunks = job->n > 0 ? (job->n + HPCS_CHUNK - 1) / HPCS_CHUNK : 1;
    if (nchunks == 1) {
        job->xparts = whole;
        return HPCS_T(exact_task)(job, 0);
    }
    job->xparts = malloc((size_t)nchunks * sizeof *job->xparts);
    if (job->xparts == NULL) return HPCS_ERR_NOMEM;
    hpcs_status st = hpcs__parallel_for(nthreads, nchunks, HPCS_T(exact_task), job);
    if (st == HPCS_OK) {
        xsum_merge(job->xparts, nchunks);
        *whole = job->xparts[0];
    }
    free(job->xparts);
    return st;
}

/* The double nearest to (exact sum of the slice's terms) / (count - ddof)
 * when divide, else to the exact sum; *count_out gets the count.  A fast
 * pass bounds its own error; only if that bound cannot certify the rounding
 * is the slice summed again exactly.  Either way the result depends only on
 * the multiset of terms, never on their order. */
HPCS_CLONES static hpcs_status HPCS_T(rounded_sum)(const T *x, const uint8_t *mask, int64_t n, uint32_t flags,
                                       int64_t nthreads, int mode, double sc, double msc,
                                       int divide, int64_t ddof, double *out, double *count_out)
{
    HPCS_T(sum_job) job = {.x = x, .mask = mask, .n = n, .skipna = (flags & HPCS_SKIPNA) != 0,
                           .mode = mode, .sc = sc, .msc = msc};
    const int64_t nchunks = n > 0 ? (n + HPCS_CHUNK - 1) / HPCS_CHUNK : 1;
    fsum_part stack[REDUCE_STACK_PARTS];
    job.fparts = nchunks > REDUCE_STACK_PARTS ? malloc((size_t)nchunks * sizeof *job.fparts)
                                               : stack;
    if (job.fparts == NULL) return HPCS_ERR_NOMEM;
    hpcs_status st = nchunks == 1 ? HPCS_T(fast_task)(&job, 0)
                                  : hpcs__parallel_for(nthreads, nchunks, HPCS_T(fast_task), &job);
    double hi = 0.0, lo = 0.0, b = 0.0, E = 0.0, count = 0.0;
    for (int64_t c = 0; c < nchunks && st == HPCS_OK; c++) {
        dd_add(&hi, &lo, &b, job.fparts[c].hi);
        dd_add(&hi, &lo, &b, job.fparts[c].lo);
        E += job.fparts[c].err;
        count += job.fparts[c].count;
    }
    if (job.fparts != stack) free(job.fparts);
    if (st != HPCS_OK) return st;
    *count_out = count;
    const double k = divide ? count - (double)ddof : 1.0;
    if (k <= 0.0) {
        *out = NAN;
        return HPCS_OK;
    }
    E = (E + err_bound(b)) * 0x1.0001p0;
    const int to_float = (flags & HPCS_ROUND_FLOAT) != 0;
    if (k < 0x1p53 && certify(hi, lo, E, k, out) && !(to_float && float_midpoint(*out))) {
        if (to_float) *out = (float)*out;
        return HPCS_OK;
    }
    xsum_part whole;
    st = HPCS_T(exact_sum)(&job, nthreads, &whole);
    if (st != HPCS_OK) return st;
    *out = xsum_div(&whole, (int64_t)k);
    if (to_float) *out = round_float(&whole, *out, (int64_t)k);
    return HPCS_OK;
}

HPCS_CLONES static hpcs_status HPCS_T(sum_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)out_stride;
    double count;
    return HPCS_T(rounded_sum)(xv, mask, n, a->flags, a->nthreads, 0, 1.0, 0.0, 0, 0, out, &count);
}

HPCS_CLONES static hpcs_status HPCS_T(mean_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                               const hpcs__reduce_args *a, double *out,
                                               int64_t out_stride)
{
    (void)out_stride;
    double count;
    return HPCS_T(rounded_sum)(xv, mask, n, a->flags, a->nthreads, 0, 1.0, 0.0, 1, 0, out, &count);
}

/* var = (exact sum of fl(fl(x - m)^2)) / (count - ddof), correctly rounded,
 * with m the correctly rounded mean: two passes, order-independent.  If the
 * squares overflow while the data are finite, they are summed scaled by
 * 2^-1024 (deviations by 2^-512) and *scaled says so. */
HPCS_CLONES static hpcs_status HPCS_T(var_scaled)(const T *x, const uint8_t *mask, int64_t n,
                                      const hpcs__reduce_args *a, double *out, int *scaled,
                                      double *mean_out)
{
    double m = NAN, count;
    *scaled = 0;
    /* var's definition rounds in double; only sum and mean round to float. */
    const uint32_t flags = a->flags & ~(uint32_t)HPCS_ROUND_FLOAT;
    hpcs_status st = HPCS_T(rounded_sum)(x, mask, n, flags, a->nthreads, 0, 1.0, 0.0, 1, 0,
                                         &m, &count);
    if (mean_out != NULL) *mean_out = m; /* hpcs_mean's bits: the same call */
    if (st != HPCS_OK) return st;
    if (count - (double)a->ddof <= 0.0 || !isfinite(m)) { /* NaN/inf data: NaN (numpy) */
        *out = NAN;
        return HPCS_OK;
    }
    st = HPCS_T(rounded_sum)(x, mask, n, flags, a->nthreads, 1, 1.0, m, 1, a->ddof, out, &count);
    if (st == HPCS_OK && !isfinite(*out)) {
        *scaled = 1;
        st = HPCS_T(rounded_sum)(x, mask, n, flags, a->nthreads, 1, 0x1p-512, m * 0x1p-512, 1,
                                 a->ddof, out, &count);
    }
    return st;
}

HPCS_CLONES static hpcs_status HPCS_T(var_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)out_stride;
    int scaled;
    hpcs_status st = HPCS_T(var_scaled)(xv, mask, n, a, out, &scaled, NULL);
    if (scaled) *out = *out * 0x1p1023 * 2.0; /* 2^1024: overflows to inf if it must */
    return st;
}

/* The std to *out, and the mean its first pass computed to *mean_out
 * (unless NULL). */
HPCS_INLINE hpcs_status HPCS_T(std_with_mean)(const T *x, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              double *mean_out)
{
    int scaled;
    hpcs_status st = HPCS_T(var_scaled)(x, mask, n, a, out, &scaled, mean_out);
    *out = sqrt(*out);
    if (scaled) *out *= 0x1p512;
    return st;
}

HPCS_CLONES static hpcs_status HPCS_T(std_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)out_stride;
    return HPCS_T(std_with_mean)(xv, mask, n, a, out, NULL);
}

/* The mean (hpcs_mean's bits) to out[0] and the std (hpcs_std's) to
 * out[out_stride], sharing the mean pass that std makes anyway: zscore's
 * statistics in two reads of the data instead of three. */
HPCS_CLONES static hpcs_status HPCS_T(meanstd_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                                  const hpcs__reduce_args *a, double *out,
                                                  int64_t out_stride)
{
    return HPCS_T(std_with_mean)(xv, mask, n, a, out + out_stride, out);
}

/* zscore's statistics of every slice: means to out[0 .. slices), stds to
 * out[slices .. 2 slices) (internal: hpcs_internal.h). */
hpcs_status HPCS_T(hpcs__meanstd)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                  int64_t ddof, uint32_t flags, double *out)
{
    if (ddof < 0) return HPCS_ERR_ARG;
    hpcs__reduce_args a = {.flags = flags, .ddof = ddof};
    return hpcs__reduce_layout(HPCS_T(meanstd_1d), HPCS_FAMILY_REDUCE, sizeof(T), x, outer, n,
                               inner, NULL, &a, 2, out);
}

/* ---- partial sums (for combining chunk results exactly) ------------------ */

HPCS_CLONES static hpcs_status HPCS_T(partial)(const T *x, int64_t n, const uint8_t *where, uint32_t flags,
                                   int mode, double sc, double msc, double *terms,
                                   int64_t *nterms, int64_t *count)
{
    if (n < 0) return HPCS_ERR_ARG;
    if (terms == NULL || nterms == NULL || count == NULL || (x == NULL && n > 0))
        return HPCS_ERR_NULL;
    HPCS_T(sum_job) job = {.x = x, .mask = where, .n = n, .skipna = (flags & HPCS_SKIPNA) != 0,
                           .mode = mode, .sc = sc, .msc = msc};
    xsum_part whole;
    hpcs_status st = HPCS_T(exact_sum)(&job, hpcs__plan(HPCS_FAMILY_REDUCE, n,
                                                         (n + HPCS_CHUNK - 1) / HPCS_CHUNK),
                                       &whole);
    if (st != HPCS_OK) return st;
    xsum_terms(&whole, terms, nterms);
    *count = (int64_t)whole.count;
    return HPCS_OK;
}

HPCS_API hpcs_status HPCS_T(hpcs_sum_partial)(const T *x, int64_t n, const uint8_t *where,
                                              uint32_t flags, double *terms, int64_t *nterms,
                                              int64_t *count)
{
    return HPCS_T(partial)(x, n, where, flags, 0, 1.0, 0.0, terms, nterms, count);
}

HPCS_API hpcs_status HPCS_T(hpcs_sumsq_partial)(const T *x, int64_t n, const uint8_t *where,
                                                uint32_t flags, double mean, double scale,
                                                double *terms, int64_t *nterms, int64_t *count)
{
    return HPCS_T(partial)(x, n, where, flags, 1, scale, mean * scale, terms, nterms, count);
}


/* ---- min / max ----------------------------------------------------------- */

/* Without a mask NaNs are counted in integers (*nani): a count in doubles
 * took a floating-point add per element, on the ports the comparisons
 * need.  With a mask, in doubles (*nand): GCC vectorises that loop only
 * so (docs/decisions.md). */
HPCS_INLINE void HPCS_T(extreme_step)(double v, double ok, const int is_max, double init,
                                      double *m, double *cnt, int64_t *nani, double *nand,
                                      const int use_mask, const int counted)
{
    if (counted) *cnt += ok; /* else every element counts: the caller knows how many */
    if (use_mask) *nand += (ok != 0.0 && v != v) ? 1.0 : 0.0;
    else *nani += ok != 0.0 && v != v;
    *m = extreme_pick(ok != 0.0 ? v : init, *m, is_max);
}

HPCS_INLINE reduce_part HPCS_T(extreme_lanes)(const T *x, const uint8_t *mask, int64_t n,
                                              const int use_mask, const int skipna,
                                              const int is_max)
{
    const double init = is_max ? -INFINITY : INFINITY;
    const int counted = use_mask || skipna; /* else the count is n */
    const int used = lanes_used(n);
    double m[REDUCE_LANES], cnt[REDUCE_LANES], nand[REDUCE_LANES];
    int64_t nani[REDUCE_LANES];
    for (int l = 0; l < used; l++) {
        m[l] = init;
        cnt[l] = nand[l] = 0.0;
        nani[l] = 0;
    }
    int64_t i = 0;
    for (; i + REDUCE_LANES <= n; i += REDUCE_LANES)
        for (int l = 0; l < REDUCE_LANES; l++) {
            double ok, v = HPCS_T(load)(x, mask, i + l, use_mask, skipna, &ok);
            HPCS_T(extreme_step)(v, ok, is_max, init, &m[l], &cnt[l], &nani[l], &nand[l], use_mask,
                                 counted);
        }
    for (int l = 0; i < n; i++, l++) {
        double ok, v = HPCS_T(load)(x, mask, i, use_mask, skipna, &ok);
        HPCS_T(extreme_step)(v, ok, is_max, init, &m[l], &cnt[l], &nani[l], &nand[l], use_mask,
                                 counted);
    }
    reduce_part p = {init, counted ? 0.0 : (double)n, 0.0};
    int64_t nans = 0;
    for (int l = 0; l < used; l++) {
        p.a = extreme_pick(m[l], p.a, is_max);
        if (counted) p.b += cnt[l];
        if (use_mask) p.c += nand[l];
        else nans += nani[l];
    }
    if (!use_mask) p.c = (double)nans;
    return p;
}

HPCS_CLONES static hpcs_status HPCS_T(extreme_task)(void *ctx, int64_t chunk)
{
    const HPCS_T(reduce_job) *job = ctx;
    const HPCS_T(chunk_view) c = HPCS_T(chunk_of)(job, chunk);
    /* Without a mask is_max is a constant too, a loop of its own for min and
     * for max; with one, GCC vectorised max's loop only with is_max an
     * argument (docs/decisions.md). */
    if (c.m != NULL)
        (*job->parts)[chunk] = REDUCE_SPECIALIZED(extreme_lanes, c.x, c.m, c.len, job->skipna,
                                                  job->is_max);
    else
        (*job->parts)[chunk] = job->is_max
            ? REDUCE_SPECIALIZED(extreme_lanes, c.x, c.m, c.len, job->skipna, 1)
            : REDUCE_SPECIALIZED(extreme_lanes, c.x, c.m, c.len, job->skipna, 0);
    return HPCS_OK;
}

HPCS_CLONES static hpcs_status HPCS_T(extreme)(const void *xv, const uint8_t *mask, int64_t n,
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
