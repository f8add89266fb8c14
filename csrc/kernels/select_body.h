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
 */
#ifndef SELECT_SMALL
#define SELECT_SMALL 600 /* below this, plain partitioning about a[k] */

HPCS_INLINE void sel_swap(double *a, int64_t i, int64_t j)
{
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
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

/* Rearrange a[left..right] (NaN-free) so that a[k] is the value of rank k,
 * with nothing larger before it and nothing smaller after it. */
static void floyd_rivest(double *a, int64_t left, int64_t right, int64_t k, int budget)
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
                         new_right < right ? new_right : right, k, budget);
        }
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
        if (j <= k) left = j + 1;
        if (k <= j) right = j - 1;
    }
}

/* Value of rank k of a[lo..n) (rank counted from 0 over all of a). */
HPCS_INLINE double select_rank(double *a, int64_t lo, int64_t n, int64_t k)
{
    int budget = 8;
    for (int64_t m = n - lo; m > 1; m >>= 1) budget += 2;
    floyd_rivest(a, lo, n - 1, k, budget);
    return a[k];
}

/* numpy's median of the `count` values in a: the middle one, or the mean
 * of the two middle ones, computed as numpy does ((a + b) / 2). */
HPCS_INLINE double median_of(double *a, int64_t count)
{
    if (count == 0) return NAN;
    const int64_t mid = (count - 1) / 2;
    const double lo = select_rank(a, 0, count, mid);
    if (count % 2) return lo;
    const double hi = select_rank(a, mid + 1, count, mid + 1);
    return (lo + hi) / 2.0;
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

/* Median of the slice, or (with_mad) its MAD, on a scratch copy. */
HPCS_INLINE hpcs_status HPCS_T(robust_1d)(const void *xv, int64_t n, const hpcs__reduce_args *a,
                                          const int with_mad, double *out)
{
    double *v = HPCS_T(scratch_for)(n);
    if (v == NULL) return HPCS_ERR_NOMEM;
    const int64_t count = HPCS_T(copy_values)(xv, n, (a->flags & HPCS_SKIPNA) != 0, v);
    if (count < 0) {
        *out = NAN;
    } else if (!with_mad) {
        *out = median_of(v, count);
    } else {
        const double med = median_of(v, count);
        for (int64_t i = 0; i < count; i++) v[i] = fabs(v[i] - med);
        *out = median_of(v, count) * a->scale;
    }
    free(v);
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

HPCS_CLONES static hpcs_status HPCS_T(quantile_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                                   const hpcs__reduce_args *a, double *out,
                                                   int64_t out_stride)
{
    (void)mask;
    hpcs_status st = HPCS_OK;
    double *v = HPCS_T(scratch_for)(n);
    const double **order = malloc((size_t)a->nq * sizeof *order);
    if (v == NULL || order == NULL) {
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
            select_rank(v, last + 1, count, lo);
            last = lo;
        }
        if (hi > last) {
            select_rank(v, last + 1, count, hi);
            last = hi;
        }
        out[k * out_stride] = hpcs__lerp(v[lo], v[hi], frac);
    }
cleanup:
    free(v);
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
