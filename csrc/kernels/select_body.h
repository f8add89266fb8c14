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
 * SELECT_BRACKET_MIN values or more are bracketed first (below) — passes
 * over the input leave only the few values near the wanted ranks to the
 * selection — and the selection partitions out of place, three ways.
 * (Timing repeated calls on one array hides all this: the predictor learns
 * the data.  Over 64 different arrays of 10 000 normals, a median took
 * 92 us copied and selected with an in-place Hoare partition, 45 us
 * bracketed, 23 us bracketed and partitioned out of place.)
 */
#ifndef SELECT_SMALL
#define SELECT_SMALL 600 /* below this, plain partitioning about a[k] */
/* Slices from this size use bracketing (below) instead of a full copy. */
#define SELECT_BRACKET_MIN 1024
#define SELECT_SAMPLE 65536 /* largest sample for the bracketing pivots */

/* Per-chunk tallies of a bracketing pass. */
typedef struct bracket_tally {
    int64_t valid, below, middle;
} bracket_tally;

HPCS_INLINE void sel_swap(double *a, int64_t i, int64_t j)
{
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Sample size for bracketing n values.  Selecting the pivots in a sample of
 * m costs ~m branchy steps, and ~4n/sqrt(m) values fall between them (the
 * margin below); m = (2n)^(2/3) balances the two. */
HPCS_INLINE int64_t bracket_sample_size(int64_t n)
{
    const double m = cbrt(4.0 * (double)n * (double)n);
    return m < (double)SELECT_SAMPLE ? (int64_t)m : SELECT_SAMPLE;
}

static void sel_heapsort(double *a, int64_t n)
{
    for (int64_t start = n / 2 - 1, end = n;; ) {
        int64_t root;
        if (start >= 0) {
            root = start--;
        } else {
            if (--end <= 0) return;
            sel_swap(a, 0, end);
            root = 0;
        }
        for (int64_t child; (child = 2 * root + 1) < end; root = child) {
            if (child + 1 < end && a[child + 1] > a[child]) child++;
            if (!(a[child] > a[root])) break;
            sel_swap(a, root, child);
        }
    }
}

/* Partition a[left..right] about t into three parts, out of place
 * and branch-free: each value is written at both free ends of tmp and the
 * end it belongs to advances (values equal to t advance neither), so the
 * loop has no branch to mispredict — the in-place scan below mispredicts
 * about once per value on data the predictor has not seen.  On return
 * a[left .. left+*lo) < t, a[left+*lo .. left+*hi] == t, the rest > t. */
HPCS_INLINE void partition_three_way(double *a, int64_t left, int64_t right, double t,
                                     double *tmp, int64_t *lo_out, int64_t *hi_out)
{
    int64_t lo = 0, hi = right - left;
    for (int64_t i = left; i <= right; i++) {
        const double v = a[i];
        tmp[lo] = v;
        tmp[hi] = v;
        lo += v < t;
        hi -= v > t;
    }
    /* The values equal to t are t, but for the sign of a zero. */
    int64_t negative_zeros = 0;
    if (t == 0.0)
        for (int64_t i = left; i <= right; i++) negative_zeros += a[i] == 0.0 && signbit(a[i]);
    memcpy(a + left, tmp, (size_t)lo * sizeof *a);
    memcpy(a + left + hi + 1, tmp + hi + 1, (size_t)(right - left - hi) * sizeof *a);
    for (int64_t i = left + lo; i <= left + hi; i++) a[i] = t;
    for (int64_t i = left + lo; i < left + lo + negative_zeros; i++) a[i] = -0.0;
    *lo_out = left + lo;
    *hi_out = left + hi;
}

/* Partition a[left..right] about t = a[k] in place (Hoare): on return
 * a[left .. j) <= t == a[j] <= a[j+1 .. right]. */
HPCS_INLINE int64_t partition_in_place(double *a, int64_t left, int64_t right, int64_t k)
{
    const double t = a[k];
    int64_t i = left, j = right;
    sel_swap(a, left, k);
    if (a[right] > t) sel_swap(a, right, left);
    while (i < j) {
        sel_swap(a, i, j);
        i++;
        j--;
        while (a[i] < t) i++;
        while (a[j] > t) j--;
    }
    if (a[left] == t) {
        sel_swap(a, left, j);
    } else {
        j++;
        sel_swap(a, j, right);
    }
    return j;
}

/* Room for the out-of-place partition: ranges longer than this are
 * partitioned in place, so the extra memory of a selection stays bounded. */
#define SELECT_PARTITION_MAX ((int64_t)1 << 21)

/* Scratch for partitioning ranges of up to n values (NULL: out of memory). */
HPCS_INLINE double *partition_buffer(int64_t n)
{
    return malloc((size_t)(n < 1 ? 1 : n < SELECT_PARTITION_MAX ? n : SELECT_PARTITION_MAX) *
                  sizeof(double));
}

/* Rearrange a[left..right] (NaN-free) so that a[k] is the value of rank k,
 * with nothing larger before it and nothing smaller after it.  tmp is a
 * partition_buffer for at least right - left + 1 values. */
static void floyd_rivest(double *a, int64_t left, int64_t right, int64_t k, int budget,
                         double *tmp)
{
    while (right > left) {
        if (budget-- <= 0) {
            sel_heapsort(a + left, right - left + 1);
            return;
        }
        if (right - left > SELECT_SMALL) {
            /* Select within a sample-sized window around k first: it
             * leaves good pivots at a[k]. */
            const double n = (double)(right - left + 1);
            const double i = (double)(k - left + 1);
            const double z = log(n);
            const double s = 0.5 * exp(2.0 * z / 3.0);
            const double sd = 0.5 * sqrt(z * s * (n - s) / n) * (i < n / 2 ? -1.0 : 1.0);
            int64_t new_left = (int64_t)((double)k - i * s / n + sd);
            int64_t new_right = (int64_t)((double)k + (n - i) * s / n + sd);
            floyd_rivest(a, new_left > left ? new_left : left,
                         new_right < right ? new_right : right, k, budget, tmp);
        }
        int64_t lo, hi;
        if (right - left < SELECT_PARTITION_MAX) {
            partition_three_way(a, left, right, a[k], tmp, &lo, &hi);
        } else {
            lo = hi = partition_in_place(a, left, right, k);
        }
        if (k < lo) {
            right = lo - 1;
        } else if (k > hi) {
            left = hi + 1;
        } else {
            return;
        }
    }
}

/* Value of rank k of a[lo..n) (rank counted from 0 over all of a); tmp is
 * a partition_buffer(n - lo). */
HPCS_INLINE double select_rank(double *a, int64_t lo, int64_t n, int64_t k, double *tmp)
{
    int budget = 8;
    for (int64_t m = n - lo; m > 1; m >>= 1) budget += 2;
    floyd_rivest(a, lo, n - 1, k, budget, tmp);
    return a[k];
}

/* numpy's median from the one or two middle ranks: the middle value, or
 * the mean of the two computed as numpy does ((a + b) / 2). */
HPCS_INLINE double middle_value(int64_t count, double lo, double hi)
{
    return count % 2 ? lo : (lo + hi) / 2.0;
}

/* numpy's median of the `count` values in a: the middle one, or the mean
 * of the two middle ones, computed as numpy does ((a + b) / 2). */
HPCS_INLINE double median_of(double *a, int64_t count, double *tmp)
{
    if (count == 0) return NAN;
    const int64_t mid = (count - 1) / 2;
    const double lo = select_rank(a, 0, count, mid, tmp);
    if (count % 2) return lo;
    return middle_value(count, lo, select_rank(a, mid + 1, count, mid + 1, tmp));
}
#endif

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
 * with overwhelming probability; one pass counts, per chunk, the values
 * below lo and inside [lo, hi], a second copies the (few) inside values in
 * chunk order, and selection runs on those alone.  The chunks run on
 * several threads; the answer is an exact order statistic, so it is the
 * same bits as the full-copy path.  A missed bracket falls back to it.
 * Values are v, or |v - center| for the MAD's deviations; NaN never counts. */
typedef struct HPCS_T(bracket_job) {
    const T *x;
    int64_t n;
    int dev;            /* values are |x - center| */
    double center, lo, hi;
    int phase;          /* 0: count valid; 1: count below/inside; 2: copy inside
                         * (chunk c's values at offset[c] + c: one slot of slack each) */
    bracket_tally *tally; /* per chunk */
    const int64_t *offset; /* phase 2: where each chunk's inside values go */
    double *inside;
} HPCS_T(bracket_job);

/* One chunk's pass; `dev` is a constant in each call, so the loops are
 * branch-free and vectorise. */
HPCS_INLINE void HPCS_T(bracket_chunk)(const HPCS_T(bracket_job) *job, int64_t start, int64_t end,
                                       bracket_tally *t, double *dst, const int dev)
{
    const T *x = job->x;
    const double lo = job->lo, hi = job->hi, center = job->center;
    if (job->phase == 1) {
        int64_t below = 0, middle = 0;
        for (int64_t i = start; i < end; i++) {
            const double v = dev ? fabs((double)x[i] - center) : (double)x[i];
            below += v < lo;
            middle += (v >= lo) & (v <= hi);
        }
        t->below = below;
        t->middle = middle;
    } else {
        /* Write every value, advance past the inside ones: the region has
         * one slot of slack for the last write. */
        for (int64_t i = start; i < end; i++) {
            const double v = dev ? fabs((double)x[i] - center) : (double)x[i];
            *dst = v;
            dst += (v >= lo) & (v <= hi);
        }
    }
}

HPCS_CLONES static hpcs_status HPCS_T(bracket_task)(void *ctx, int64_t chunk)
{
    const HPCS_T(bracket_job) *job = ctx;
    const int64_t start = chunk * HPCS_CHUNK;
    const int64_t end = job->n - start < HPCS_CHUNK ? job->n : start + HPCS_CHUNK;
    bracket_tally *t = &job->tally[chunk];
    if (job->phase == 0) {
        int64_t valid = 0;
        for (int64_t i = start; i < end; i++) valid += job->x[i] == job->x[i];
        t->valid = valid;
        return HPCS_OK;
    }
    double *dst = job->phase == 2 ? job->inside + job->offset[chunk] + chunk : NULL;
    if (job->dev) HPCS_T(bracket_chunk)(job, start, end, t, dst, 1);
    else HPCS_T(bracket_chunk)(job, start, end, t, dst, 0);
    return HPCS_OK;
}

HPCS_INLINE hpcs_status HPCS_T(bracket_run)(HPCS_T(bracket_job) *job, int phase, int64_t nthreads)
{
    const int64_t nchunks = (job->n + HPCS_CHUNK - 1) / HPCS_CHUNK;
    job->phase = phase;
    return hpcs__parallel_for(nthreads, nchunks, HPCS_T(bracket_task), job);
}

/* *count = number of valid (non-NaN) values of the slice; job->tally must
 * hold one entry per chunk. */
HPCS_INLINE hpcs_status HPCS_T(bracket_count)(HPCS_T(bracket_job) *job, int64_t nthreads,
                                              int64_t *count)
{
    hpcs_status st = HPCS_T(bracket_run)(job, 0, nthreads);
    int64_t valid = 0;
    for (int64_t c = 0; c < (job->n + HPCS_CHUNK - 1) / HPCS_CHUNK; c++) valid += job->tally[c].valid;
    *count = valid;
    return st;
}

/* Values of ranks k <= k2 (k2 - k small) among the `count` valid values.
 * Returns HPCS_OK and sets *vk, *vk2; HPCS_ERR_INTERNAL if the bracket
 * missed (the caller then copies the slice); HPCS_ERR_NOMEM. */
static hpcs_status HPCS_T(bracket_ranks)(HPCS_T(bracket_job) *job, int64_t count, int64_t k,
                                         int64_t k2, int64_t nthreads, double *vk, double *vk2)
{
    const int64_t n = job->n, nchunks = (n + HPCS_CHUNK - 1) / HPCS_CHUNK;
    const int64_t want = bracket_sample_size(n);
    const int64_t stride = n / want > 0 ? n / want : 1;
    double *sample = malloc((size_t)want * sizeof *sample);
    int64_t *offset = malloc((size_t)nchunks * sizeof *offset);
    double *tmp = partition_buffer(n / 4 + want); /* the sample, then the inside values */
    double *inside = NULL;
    hpcs_status st = HPCS_ERR_INTERNAL;
    if (sample == NULL || offset == NULL || tmp == NULL) {
        st = HPCS_ERR_NOMEM;
        goto cleanup;
    }
    int64_t m = 0;
    for (int64_t i = 0; i < n && m < want; i += stride) {
        double v = job->dev ? fabs((double)job->x[i] - job->center) : (double)job->x[i];
        if (v == v) sample[m++] = v;
    }
    if (m < want / 4) goto cleanup; /* mostly NaN: not worth it */
    /* Sample ranks of k and k2, widened by 4 standard deviations (a sample
     * rank's is at most sqrt(m)/2): a miss, which only costs the copy path,
     * is a ~1e-4 event. */
    const double margin = 2.0 * sqrt((double)m) + 2.0;
    const double rk = (double)k / (double)count * (double)m - margin;
    const double rk2 = (double)(k2 + 1) / (double)count * (double)m + margin;
    job->lo = rk < 0.0 ? -INFINITY : select_rank(sample, 0, m, (int64_t)rk, tmp);
    job->hi = rk2 >= (double)(m - 1) ? INFINITY : select_rank(sample, 0, m, (int64_t)rk2, tmp);
    if ((st = HPCS_T(bracket_run)(job, 1, nthreads)) != HPCS_OK) goto cleanup;
    int64_t below = 0, middle = 0;
    for (int64_t c = 0; c < nchunks; c++) {
        offset[c] = middle;
        below += job->tally[c].below;
        middle += job->tally[c].middle;
    }
    st = HPCS_ERR_INTERNAL;
    if (below > k || below + middle <= k2 || middle > n / 4 + want) goto cleanup;
    inside = malloc((size_t)(middle + nchunks) * sizeof *inside);
    if (inside == NULL) {
        st = HPCS_ERR_NOMEM;
        goto cleanup;
    }
    job->offset = offset;
    job->inside = inside;
    if ((st = HPCS_T(bracket_run)(job, 2, nthreads)) != HPCS_OK) goto cleanup;
    for (int64_t c = 1; c < nchunks; c++) /* close the slack gaps, in order */
        memmove(inside + offset[c], inside + offset[c] + c,
                (size_t)job->tally[c].middle * sizeof *inside);
    *vk = select_rank(inside, 0, middle, k - below, tmp);
    *vk2 = k2 == k ? *vk : select_rank(inside, k - below + 1, middle, k2 - below, tmp);
cleanup:
    free(sample);
    free(offset);
    free(tmp);
    free(inside);
    return st;
}

/* A job over x with one tally per chunk (NULL tally: out of memory). */
HPCS_INLINE HPCS_T(bracket_job) HPCS_T(bracket_job_for)(const T *x, int64_t n)
{
    HPCS_T(bracket_job) job = {.x = x, .n = n};
    job.tally = malloc((size_t)((n + HPCS_CHUNK - 1) / HPCS_CHUNK) * sizeof *job.tally);
    return job;
}

/* Median (or MAD) of a large slice by bracketing; HPCS_ERR_INTERNAL asks
 * the caller to copy the slice instead. */
static hpcs_status HPCS_T(robust_bracketed)(const T *x, int64_t n, const hpcs__reduce_args *a,
                                            const int with_mad, double *out)
{
    HPCS_T(bracket_job) job = HPCS_T(bracket_job_for)(x, n);
    if (job.tally == NULL) return HPCS_ERR_NOMEM;
    int64_t count;
    hpcs_status st = HPCS_T(bracket_count)(&job, a->nthreads, &count);
    if (st == HPCS_OK && (count == 0 || (count < n && !(a->flags & HPCS_SKIPNA)))) {
        *out = NAN;
    } else if (st == HPCS_OK) {
        const int64_t k = (count - 1) / 2, k2 = count % 2 ? k : k + 1;
        double lo, hi;
        st = HPCS_T(bracket_ranks)(&job, count, k, k2, a->nthreads, &lo, &hi);
        double result = middle_value(count, lo, hi);
        if (st == HPCS_OK && with_mad) {
            /* An infinite median makes some deviations NaN: leave that to
             * the copy path, which treats them as numpy does. */
            job.dev = 1;
            job.center = result;
            st = isfinite(result) ? HPCS_T(bracket_ranks)(&job, count, k, k2, a->nthreads, &lo, &hi)
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
static hpcs_status HPCS_T(quantile_bracketed)(const T *x, int64_t n, const hpcs__reduce_args *a,
                                              double *out, int64_t out_stride)
{
    HPCS_T(bracket_job) job = HPCS_T(bracket_job_for)(x, n);
    if (job.tally == NULL) return HPCS_ERR_NOMEM;
    int64_t count;
    hpcs_status st = HPCS_T(bracket_count)(&job, a->nthreads, &count);
    for (int64_t k = 0; k < a->nq && st == HPCS_OK; k++) {
        if (count == 0 || (count < n && !(a->flags & HPCS_SKIPNA))) {
            out[k * out_stride] = NAN;
            continue;
        }
        int64_t lo, hi;
        double frac, vlo, vhi;
        hpcs__quantile_pos(a->q[k], count, a->method, &lo, &hi, &frac);
        st = HPCS_T(bracket_ranks)(&job, count, lo, hi, a->nthreads, &vlo, &vhi);
        if (st == HPCS_OK) out[k * out_stride] = hpcs__lerp(vlo, vhi, frac);
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
