/*
 * Trimmed and winsorized means of one contiguous slice, for element type T
 * (see trim.c), in O(n) without sorting:
 *
 *   1. count the values (and NaNs); with HPCS_SKIPNA copy the non-NaN ones
 *      to scratch, else a NaN makes the result NaN;
 *   2. select the two order statistics A = sorted[lo] and B = sorted[hi-1]
 *      that bound the kept ranks [lo, hi) with the public hpcs_quantile
 *      (method "nearest" at q = k / (count - 1) is exactly rank k);
 *   3. one more pass: the exact sum of the values strictly between A
 *      and B, and how many values are <= A and < B, which give how many
 *      copies of A and B the kept ranks hold.
 *
 * trimmed (scipy.stats.trim_mean): lo = floor(p * count), hi = count - lo,
 * mean of sorted[lo:hi]; lo > hi is HPCS_ERR_ARG, lo == hi gives NaN.
 * winsorized (mean of scipy.stats.mstats.winsorize): lo = floor(lower *
 * count), hi = count - floor(upper * count); the lo smallest values count as
 * A and the count - hi largest as B; lo >= hi is HPCS_ERR_ARG.
 *
 * hpcs__reduce_args fields used: flags, q[0..1] = (proportion, -) or
 * (lower, upper), method = TRIM_* kind.
 */
#ifndef TRIM_ONCE
#define TRIM_ONCE
enum { TRIM_TRIMMED = 0, TRIM_WINSORIZED = 1 };

#endif

HPCS_CLONES static hpcs_status HPCS_T(trim_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                               const hpcs__reduce_args *a, double *out,
                                               int64_t out_stride)
{
    (void)mask, (void)out_stride;
    const T *x = xv;
    int64_t nans = 0;
    for (int64_t i = 0; i < n; i++) nans += x[i] != x[i];
    *out = NAN;
    if (nans > 0 && !(a->flags & HPCS_SKIPNA)) return HPCS_OK;
    const int64_t count = n - nans;
    T *scratch = NULL;
    if (nans > 0) {
        scratch = malloc((size_t)count * sizeof(T) + 1);
        if (scratch == NULL) return HPCS_ERR_NOMEM;
        for (int64_t i = 0, k = 0; i < n; i++)
            if (x[i] == x[i]) scratch[k++] = x[i];
        x = scratch;
    }
    hpcs_status st = HPCS_OK;
    int64_t lo, hi;
    if (a->method == TRIM_TRIMMED) {
        lo = (int64_t)(a->q[0] * (double)count);
        hi = count - lo;
    } else {
        lo = (int64_t)(a->q[0] * (double)count);
        hi = count - (int64_t)((double)count * a->q[1]);
    }
    if (count == 0 || (a->method == TRIM_TRIMMED && lo == hi)) goto done;
    if (lo > hi || (a->method == TRIM_WINSORIZED && lo >= hi)) {
        st = HPCS_ERR_ARG;
        goto done;
    }
    double ab[2];
    {
        const double denom = count > 1 ? (double)(count - 1) : 1.0;
        const double q[2] = {(double)lo / denom, (double)(hi - 1) / denom};
        st = HPCS_T(hpcs_quantile)(x, 1, count, 1, q, 2, HPCS_Q_NEAREST, 0, ab);
    }
    if (st != HPCS_OK) goto done;
    const double A = ab[0], B = ab[1];
    /* Exact: the result is the kept values' sum rounded once, so it does
     * not depend on their order (hpcs.dask combines chunks to these bits
     * with hpcs_partials_muldiv). */
    xsum_part t = {.count = 0.0};
    xacc_init(&t.acc);
    if (A == B) {
        xsum_put_mul(&t, A, hi - lo);
    } else {
        int64_t le_a = 0, lt_b = 0;
        for (int64_t i = 0; i < count; i++) {
            const double v = (double)x[i];
            le_a += v <= A;
            lt_b += v < B;
            if (v > A && v < B) xsum_put(&t, v);
        }
        xsum_put_mul(&t, A, (le_a < hi ? le_a : hi) - lo);
        xsum_put_mul(&t, B, hi - (lt_b > lo ? lt_b : lo));
    }
    if (a->method == TRIM_TRIMMED) {
        *out = xsum_div(&t, hi - lo);
    } else {
        xsum_put_mul(&t, A, lo);
        xsum_put_mul(&t, B, count - hi);
        *out = xsum_div(&t, count);
    }
done:
    free(scratch);
    return st;
}

HPCS_API hpcs_status HPCS_T(hpcs_trimmed_mean)(const T *x, int64_t outer, int64_t n,
                                               int64_t inner, double proportiontocut,
                                               uint32_t flags, double *out)
{
    if (!(proportiontocut >= 0.0 && proportiontocut <= 1.0)) return HPCS_ERR_ARG;
    const double q[2] = {proportiontocut, proportiontocut};
    hpcs__reduce_args a = {.flags = flags, .q = q, .nq = 2, .method = TRIM_TRIMMED};
    return hpcs__reduce_layout(HPCS_T(trim_1d), HPCS_FAMILY_SELECT, sizeof(T), x, outer, n,
                               inner, NULL, &a, 1, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_winsorized_mean)(const T *x, int64_t outer, int64_t n,
                                                  int64_t inner, double lower, double upper,
                                                  uint32_t flags, double *out)
{
    if (!(lower >= 0.0 && lower <= 1.0 && upper >= 0.0 && upper <= 1.0)) return HPCS_ERR_ARG;
    const double q[2] = {lower, upper};
    hpcs__reduce_args a = {.flags = flags, .q = q, .nq = 2, .method = TRIM_WINSORIZED};
    return hpcs__reduce_layout(HPCS_T(trim_1d), HPCS_FAMILY_SELECT, sizeof(T), x, outer, n,
                               inner, NULL, &a, 1, out);
}
