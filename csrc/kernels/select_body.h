/*
 * median / mad / quantile of one contiguous slice, for element type T.
 *
 * The slice's values are copied (as doubles) into scratch owned by the
 * kernel — the input is never touched — and the needed ranks are found by
 * Floyd–Rivest selection: a sample of the range picks two pivots that
 * bracket the k-th element with high probability, so the whole range is
 * partitioned about once and the rest of the work is on a small
 * sub-range (~1.5 n comparisons in all).  A round counter falls back to
 * heapsort, bounding the worst case at O(n log n).
 *
 * Several ranks (quantiles, or the two middle values of an even count) are
 * selected in increasing order, each on the part right of the previous
 * one, which the previous selection already partitioned.
 *
 * Branches on the data mispredict about once per value on data the branch
 * predictor has not seen, so the hot loops have none: slices of
 * SELECT_BRACKET_MIN values or more are bracketed first (below) — a pass
 * over the input, with one branch per 32 values, leaves only the few
 * values near the wanted ranks to the selection — and the selection
 * partitions out of place, three ways.
 * (Timing repeated calls on one array hides all this: the predictor learns
 * the data.  Measured over many different arrays: docs/decisions.md.)
 */
#include "select.h"

/* Copy the slice into scratch as doubles: all values, or (skipna) the
 * non-NaN ones.  Returns the count copied, or -1 if a NaN was met without
 * skipna (the result is then NaN). */
HPCS_INLINE int64_t HPCS_T(copy_values)(const T *x, int64_t n, int skipna, double *scratch)
{
    int64_t count = 0;
    if (skipna) {
        for (int64_t i = 0; i < n; i++) {
            double v = (double)x[i];
            scratch[count] = v;
            count += v == v;
        }
        return count;
    }
    int has_nan = 0;
    for (int64_t i = 0; i < n; i++) {
        double v = (double)x[i];
        scratch[i] = v;
        has_nan |= v != v;
    }
    return has_nan ? -1 : n;
}

/* Scratch for a slice of n values (at least one element, so that an empty
 * slice still gets a valid pointer). */
HPCS_INLINE double *HPCS_T(scratch_for)(int64_t n)
{
    return malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
}

/* ---- bracketing: order statistics of a large slice without copying it ----
 * A strided sample gives two pivots lo <= hi that bracket the wanted ranks
 * with overwhelming probability.  One pass over the slice counts, per
 * chunk, the valid values, those below lo and those inside [lo, hi], and
 * gathers the (few) inside values into the chunk's region of scratch;
 * selection then runs on those alone.  The chunks run on several threads
 * and their inside values are joined in chunk order, so the answer — an
 * exact order statistic — is the same bits as the full-copy path.  A chunk
 * with more inside values than its region holds (sorted or trending data
 * gather them in a few chunks) is gathered again, alone; a missed bracket
 * falls back to the full copy.  Values are v, or |v - center| for the
 * MAD's deviations; NaN never counts.  Counting, tallying and gathering
 * are one pass (they were three, most of a large median's time). */
typedef struct HPCS_T(bracket_job) {
    const T *x;
    int64_t n;
    int dev;            /* values are |x - center| */
    double center, lo, hi;
    bracket_tally *tally;  /* per chunk */
    double *region;        /* the pass: chunk c gathers into region + c * cap */
    int64_t cap;
    const int64_t *offset; /* then (inside != NULL): chunk c's values go to */
    double *inside;        /* inside + offset[c] + c (one slot of slack each) */
} HPCS_T(bracket_job);

HPCS_INLINE double HPCS_T(bracket_value)(const HPCS_T(bracket_job) *job, int64_t i, const int dev)
{
    return dev ? fabs((double)job->x[i] - job->center) : (double)job->x[i];
}

/* Tally of the len values from i (valid and below added to *valid and
 * *below, is_inside[j - i] set); returns how many are inside.
 * Branch-free: it vectorises. */
HPCS_INLINE int64_t HPCS_T(bracket_tally_sub)(const HPCS_T(bracket_job) *job, int64_t i,
                                              int64_t len, int64_t *valid, int64_t *below,
                                              int64_t *is_inside, const int dev)
{
    const double lo = job->lo, hi = job->hi;
    int64_t v_count = 0, b_count = 0, inside = 0;
    for (int64_t j = 0; j < len; j++) {
        const double v = HPCS_T(bracket_value)(job, i + j, dev);
        v_count += v == v;
        b_count += v < lo;
        is_inside[j] = (v >= lo) & (v <= hi);
        inside += is_inside[j];
    }
    *valid += v_count;
    *below += b_count;
    return inside;
}

/* Tally values [start, end) into t and gather the inside ones at dst, in
 * order, while `room` slots last (t->overflow: they did not).  Sub-blocks
 * of BRACKET_SUB values are tallied first and gathered only if they hold
 * an inside value: the gathering loop (a store per value, ~3 cycles) then
 * runs on a small part of a large slice. */
HPCS_INLINE void HPCS_T(bracket_chunk)(const HPCS_T(bracket_job) *job, int64_t start, int64_t end,
                                       bracket_tally *t, double *dst, int64_t room, const int dev)
{
    const double *const dst_end = dst + room;
    int64_t valid = 0, below = 0, middle = 0, is_inside[BRACKET_SUB];
    for (int64_t i = start; i < end; i += BRACKET_SUB) {
        const int64_t len = end - i < BRACKET_SUB ? end - i : BRACKET_SUB;
        const int64_t inside =
            len == BRACKET_SUB
                ? HPCS_T(bracket_tally_sub)(job, i, BRACKET_SUB, &valid, &below, is_inside, dev)
                : HPCS_T(bracket_tally_sub)(job, i, len, &valid, &below, is_inside, dev);
        middle += inside;
        if (inside == 0 || dst == NULL) continue;
        if (dst_end - dst <= inside) { /* full: writes reach dst + inside */
            dst = NULL;
            continue;
        }
        for (int64_t j = 0; j < len; j++) {
            *dst = HPCS_T(bracket_value)(job, i + j, dev);
            dst += is_inside[j];
        }
    }
    t->valid = valid;
    t->below = below;
    t->middle = middle;
    t->overflow = dst == NULL;
}

/* The pass over a chunk, or (job->inside set) placing its inside values:
 * copied from its region, or gathered again if they overflowed it. */
HPCS_CLONES static hpcs_status HPCS_T(bracket_task)(void *ctx, int64_t chunk)
{
    const HPCS_T(bracket_job) *job = ctx;
    const int64_t start = chunk * HPCS_CHUNK;
    const int64_t end = job->n - start < HPCS_CHUNK ? job->n : start + HPCS_CHUNK;
    bracket_tally *t = &job->tally[chunk];
    double *region = job->region + chunk * job->cap, *dst = region;
    int64_t room = job->cap;
    bracket_tally again; /* gathering again tallies the same again */
    if (job->inside != NULL) {
        dst = job->inside + job->offset[chunk] + chunk;
        if (!t->overflow) {
            memcpy(dst, region, (size_t)t->middle * sizeof *dst);
            return HPCS_OK;
        }
        room = t->middle + 1;
        t = &again;
    }
    if (job->dev) HPCS_T(bracket_chunk)(job, start, end, t, dst, room, 1);
    else HPCS_T(bracket_chunk)(job, start, end, t, dst, room, 0);
    return HPCS_OK;
}

/* (Over 60 lines: sample, pivots, pass, join and select share the one
 * cleanup of five buffers; cut apart, each piece would need them all.)
 * Values of the ranks `rule` wants among the slice's valid values, *vk <=
 * *vk2; *count: their number (in: -1, or the count if known).  A slice
 * whose result is NaN (bracket_nan) gets only its count.  Returns
 * HPCS_ERR_INTERNAL if the bracket missed (the caller then copies the
 * slice), or HPCS_ERR_NOMEM. */
HPCS_INLINE hpcs_status HPCS_T(bracket_ranks)(HPCS_T(bracket_job) *job, rank_rule rule, int skipna,
                                         int64_t nthreads, int64_t *count, double *vk, double *vk2)
{
    const int64_t n = job->n, nchunks = hpcs__nchunks(n);
    *vk = *vk2 = NAN;
    if (*count >= 0 && bracket_nan(*count, n, skipna)) return HPCS_OK;
    const int64_t want = bracket_sample_size(n);
    const int64_t stride = n / want > 0 ? n / want : 1;
    double *sample = malloc((size_t)want * sizeof *sample);
    int64_t *offset = malloc((size_t)nchunks * sizeof *offset);
    double *tmp = partition_buffer(n / 4 + want); /* the sample, then the inside values */
    job->region = job->inside = NULL;
    hpcs_status st = HPCS_ERR_INTERNAL;
    if (sample == NULL || offset == NULL || tmp == NULL) {
        st = HPCS_ERR_NOMEM;
        goto cleanup;
    }
    int64_t m = 0, seen = 0;
    for (int64_t i = 0; i < n && m < want; i += stride, seen++) {
        const double v = HPCS_T(bracket_value)(job, i, job->dev);
        if (v == v) sample[m++] = v;
    }
    if (m < want / 4) goto cleanup; /* mostly NaN: not worth it */
    /* Until the pass has counted them, the sample's share of valid values
     * estimates the count; only the pivots depend on it. */
    const int64_t guess = *count >= 0 ? *count : (int64_t)((double)n * (double)m / (double)seen);
    int64_t k, k2;
    rule_ranks(rule, guess > 0 ? guess : 1, &k, &k2);
    /* Sample ranks of k and k2, widened by 4 standard deviations (a sample
     * rank's is at most sqrt(m)/2): a miss, which only costs the copy path,
     * is a ~1e-4 event.  The second is selected right of the first. */
    const double margin = 2.0 * sqrt((double)m) + 2.0;
    const double rk = (double)k / (double)guess * (double)m - margin;
    const double rk2 = (double)(k2 + 1) / (double)guess * (double)m + margin;
    const int64_t ik = rk < 0.0 ? -1 : (int64_t)rk;
    job->lo = ik < 0 ? -INFINITY : select_rank(sample, 0, m, ik, tmp);
    job->hi = rk2 >= (double)(m - 1) ? INFINITY : select_rank(sample, ik + 1, m, (int64_t)rk2, tmp);
    /* Regions for twice the share of values expected inside. */
    const int64_t chunk_len = n < HPCS_CHUNK ? n : HPCS_CHUNK;
    const double share = ((rk2 < (double)m ? rk2 : (double)m) - (rk > 0.0 ? rk : 0.0)) / (double)m;
    job->cap = (int64_t)(2.0 * share * (double)chunk_len) + 4 * BRACKET_SUB;
    if (job->cap > chunk_len) job->cap = chunk_len;
    job->region = malloc((size_t)(nchunks * job->cap) * sizeof *job->region);
    if (job->region == NULL) {
        st = HPCS_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = hpcs__parallel_for(nthreads, nchunks, HPCS_T(bracket_task), job)) != HPCS_OK)
        goto cleanup;
    int64_t valid = 0, below = 0, middle = 0, overflow = 0;
    for (int64_t c = 0; c < nchunks; c++) {
        offset[c] = middle;
        valid += job->tally[c].valid;
        below += job->tally[c].below;
        middle += job->tally[c].middle;
        overflow += job->tally[c].overflow;
    }
    *count = valid;
    if (bracket_nan(valid, n, skipna)) goto cleanup; /* st is HPCS_OK */
    rule_ranks(rule, valid, &k, &k2);
    st = HPCS_ERR_INTERNAL;
    if (below > k || below + middle <= k2 || middle > n / 4 + want) goto cleanup;
    double *inside = job->region; /* one chunk that fit: its values are in place */
    if (nchunks > 1 || overflow) {
        if ((inside = malloc((size_t)(middle + nchunks) * sizeof *inside)) == NULL) {
            st = HPCS_ERR_NOMEM;
            goto cleanup;
        }
        job->offset = offset;
        job->inside = inside;
        if ((st = hpcs__parallel_for(nthreads, nchunks, HPCS_T(bracket_task), job)) != HPCS_OK)
            goto cleanup;
        for (int64_t c = 1; c < nchunks; c++) /* close the slack gaps, in order */
            memmove(inside + offset[c], inside + offset[c] + c,
                    (size_t)job->tally[c].middle * sizeof *inside);
    }
    *vk = select_rank(inside, 0, middle, k - below, tmp);
    *vk2 = k2 == k ? *vk : select_rank(inside, k - below + 1, middle, k2 - below, tmp);
    st = HPCS_OK;
cleanup:
    free(sample);
    free(offset);
    free(tmp);
    free(job->region);
    free(job->inside);
    return st;
}

/* A job over x with one tally per chunk (NULL tally: out of memory). */
HPCS_INLINE HPCS_T(bracket_job) HPCS_T(bracket_job_for)(const T *x, int64_t n)
{
    HPCS_T(bracket_job) job = {.x = x, .n = n};
    job.tally = malloc((size_t)hpcs__nchunks(n) * sizeof *job.tally);
    return job;
}

/* Median (or MAD) of a large slice by bracketing; HPCS_ERR_INTERNAL asks
 * the caller to copy the slice instead. */
HPCS_INLINE hpcs_status HPCS_T(robust_bracketed)(const T *x, int64_t n, const hpcs__reduce_args *a,
                                            const int with_mad, double *out)
{
    HPCS_T(bracket_job) job = HPCS_T(bracket_job_for)(x, n);
    if (job.tally == NULL) return HPCS_ERR_NOMEM;
    const int skipna = (a->flags & HPCS_SKIPNA) != 0;
    int64_t count = -1;
    double lo, hi;
    hpcs_status st = HPCS_T(bracket_ranks)(&job, MEDIAN_RULE, skipna, a->nthreads, &count, &lo, &hi);
    if (st == HPCS_OK && bracket_nan(count, n, skipna)) {
        *out = NAN;
    } else if (st == HPCS_OK) {
        double result = middle_value(count, lo, hi);
        if (with_mad) {
            /* An infinite median makes some deviations NaN: leave that to
             * the copy path, which treats them as numpy does. */
            job.dev = 1;
            job.center = result;
            st = isfinite(result) ? HPCS_T(bracket_ranks)(&job, MEDIAN_RULE, skipna, a->nthreads,
                                                          &count, &lo, &hi)
                                  : HPCS_ERR_INTERNAL;
            result = middle_value(count, lo, hi) * a->scale;
        }
        if (st == HPCS_OK) *out = result;
    }
    free(job.tally);
    return st;
}

/* Median of the slice, or (with_mad) its MAD: bracketing for large
 * slices, else (or if the bracket missed) selection on a scratch copy. */
HPCS_INLINE hpcs_status HPCS_T(robust_1d)(const void *xv, int64_t n, const hpcs__reduce_args *a,
                                          const int with_mad, double *out)
{
    if (n >= SELECT_BRACKET_MIN) {
        hpcs_status st = HPCS_T(robust_bracketed)(xv, n, a, with_mad, out);
        if (st != HPCS_ERR_INTERNAL) return st;
    }
    double *v = HPCS_T(scratch_for)(n), *tmp = partition_buffer(n);
    if (v == NULL || tmp == NULL) {
        free(v);
        free(tmp);
        return HPCS_ERR_NOMEM;
    }
    const int64_t count = HPCS_T(copy_values)(xv, n, (a->flags & HPCS_SKIPNA) != 0, v);
    if (count < 0) {
        *out = NAN;
    } else if (!with_mad) {
        *out = median_of(v, count, tmp);
    } else {
        const double med = median_of(v, count, tmp);
        for (int64_t i = 0; i < count; i++) v[i] = fabs(v[i] - med);
        *out = median_of(v, count, tmp) * a->scale;
    }
    free(v);
    free(tmp);
    return HPCS_OK;
}

HPCS_CLONES static hpcs_status HPCS_T(median_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                                 const hpcs__reduce_args *a, double *out,
                                                 int64_t out_stride)
{
    (void)mask;
    (void)out_stride;
    return HPCS_T(robust_1d)(xv, n, a, 0, out);
}

HPCS_CLONES static hpcs_status HPCS_T(mad_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)mask;
    (void)out_stride;
    return HPCS_T(robust_1d)(xv, n, a, 1, out);
}

/* Order of q's positions: quantiles are selected by increasing rank. */
static int HPCS_T(by_position)(const void *pa, const void *pb)
{
    const double a = **(const double *const *)pa, b = **(const double *const *)pb;
    return (a > b) - (a < b);
}

/* Quantiles of a large slice by bracketing each q's ranks;
 * HPCS_ERR_INTERNAL asks the caller to copy the slice instead. */
HPCS_INLINE hpcs_status HPCS_T(quantile_bracketed)(const T *x, int64_t n, const hpcs__reduce_args *a,
                                              double *out, int64_t out_stride)
{
    HPCS_T(bracket_job) job = HPCS_T(bracket_job_for)(x, n);
    if (job.tally == NULL) return HPCS_ERR_NOMEM;
    const int skipna = (a->flags & HPCS_SKIPNA) != 0;
    int64_t count = -1; /* counted by the first pass */
    hpcs_status st = HPCS_OK;
    for (int64_t k = 0; k < a->nq && st == HPCS_OK; k++) {
        double vlo, vhi;
        const rank_rule rule = {a->q[k], a->method};
        st = HPCS_T(bracket_ranks)(&job, rule, skipna, a->nthreads, &count, &vlo, &vhi);
        if (st != HPCS_OK) break;
        if (bracket_nan(count, n, skipna)) {
            out[k * out_stride] = NAN;
            continue;
        }
        int64_t lo, hi;
        double frac;
        hpcs__quantile_pos(a->q[k], count, a->method, &lo, &hi, &frac);
        out[k * out_stride] = hpcs__lerp(vlo, vhi, frac);
    }
    free(job.tally);
    return st;
}

HPCS_CLONES static hpcs_status HPCS_T(quantile_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                                   const hpcs__reduce_args *a, double *out,
                                                   int64_t out_stride)
{
    (void)mask;
    if (n >= SELECT_BRACKET_MIN) {
        hpcs_status bst = HPCS_T(quantile_bracketed)(xv, n, a, out, out_stride);
        if (bst != HPCS_ERR_INTERNAL) return bst;
    }
    hpcs_status st = HPCS_OK;
    double *v = HPCS_T(scratch_for)(n), *tmp = partition_buffer(n);
    const double **order = malloc((size_t)a->nq * sizeof *order);
    if (v == NULL || tmp == NULL || order == NULL) {
        st = HPCS_ERR_NOMEM;
        goto cleanup;
    }
    const int64_t count = HPCS_T(copy_values)(xv, n, (a->flags & HPCS_SKIPNA) != 0, v);
    for (int64_t k = 0; k < a->nq; k++) order[k] = &a->q[k];
    qsort(order, (size_t)a->nq, sizeof *order, HPCS_T(by_position));
    /* Ranks come in increasing order; v[last] (and every rank selected
     * before it) is final, and v[last + 1 ..] holds the values above it. */
    int64_t last = -1;
    for (int64_t r = 0; r < a->nq; r++) {
        const int64_t k = order[r] - a->q;
        if (count <= 0) {
            out[k * out_stride] = NAN;
            continue;
        }
        int64_t lo, hi;
        double frac;
        hpcs__quantile_pos(a->q[k], count, a->method, &lo, &hi, &frac);
        if (lo > last) {
            select_rank(v, last + 1, count, lo, tmp);
            last = lo;
        }
        if (hi > last) {
            select_rank(v, last + 1, count, hi, tmp);
            last = hi;
        }
        out[k * out_stride] = hpcs__lerp(v[lo], v[hi], frac);
    }
cleanup:
    free(v);
    free(tmp);
    free(order);
    return st;
}

/* ---- public entry points ------------------------------------------------- */

HPCS_API hpcs_status HPCS_T(hpcs_median)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                         uint32_t flags, double *out)
{
    hpcs__reduce_args a = {.flags = flags};
    return hpcs__reduce_layout(HPCS_T(median_1d), HPCS_FAMILY_SELECT, sizeof(T), x, outer,
                                      n, inner, NULL, &a, 1, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_mad)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                      double scale, uint32_t flags, double *out)
{
    hpcs__reduce_args a = {.flags = flags, .scale = scale};
    return hpcs__reduce_layout(HPCS_T(mad_1d), HPCS_FAMILY_SELECT, sizeof(T), x, outer, n,
                                      inner, NULL, &a, 1, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_quantile)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                           const double *q, int64_t nq, int32_t method,
                                           uint32_t flags, double *out)
{
    if (q == NULL) return HPCS_ERR_NULL;
    if (nq < 1 || method < 0 || method >= HPCS_Q_METHOD_COUNT) return HPCS_ERR_ARG;
    for (int64_t k = 0; k < nq; k++)
        if (!(q[k] >= 0.0 && q[k] <= 1.0)) return HPCS_ERR_ARG;
    hpcs__reduce_args a = {.flags = flags, .q = q, .nq = nq, .method = method};
    return hpcs__reduce_layout(HPCS_T(quantile_1d), HPCS_FAMILY_SELECT, sizeof(T), x,
                                      outer, n, inner, NULL, &a, nq, out);
}
