/*
 * Reductions over one contiguous slice, for element type T (see reduce.c).
 *
 * Every loop keeps REDUCE_LANES independent accumulators: element i goes to
 * lane i % REDUCE_LANES and lanes are combined in a fixed order.  The
 * compiler maps the lanes onto 2, 4 or 8 doubles per register depending on
 * the clone, but the arithmetic and its order are the same in every clone,
 * so the bits are too (-ffp-contract=off keeps FMA out).
 *
 * sum/mean: Kahan-compensated lanes, combined with Neumaier's algorithm;
 * error O(eps) independent of n.  If the compensated result is not finite
 * (inf/NaN in the data, or overflow) the plain IEEE sum is returned instead,
 * so inf/NaN follow numpy (sum([inf, -inf]) is NaN).
 * var/std: blocks of REDUCE_VAR_BLOCK elements, each reduced two-pass while
 * it sits in L1 (mean, then corrected sum of squared deviations), merged
 * with Chan's formula: one pass over memory, stable for any offset.
 */
#ifndef REDUCE_LANES
#define REDUCE_LANES 16
#define REDUCE_VAR_BLOCK 1024

/* Neumaier: add v to (*sum, *comp). */
HPCS_INLINE void neumaier_add(double *sum, double *comp, double v)
{
    double t = *sum + v;
    if (fabs(*sum) >= fabs(v))
        *comp += (*sum - t) + v;
    else
        *comp += (v - t) + *sum;
    *sum = t;
}

/* Chan et al.: merge the (count, mean, m2) of a block into a running one. */
HPCS_INLINE void chan_merge(double *n, double *mean, double *m2, double nb, double meanb,
                            double m2b)
{
    if (nb == 0.0) return;
    double nt = *n + nb;
    double delta = meanb - *mean;
    *mean += delta * (nb / nt);
    *m2 += m2b + delta * delta * (*n * nb / nt);
    *n = nt;
}
#endif

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

/* Sum and count of x[0..n); compensated or plain. */
HPCS_INLINE void HPCS_T(sum_lanes)(const T *x, const uint8_t *mask, int64_t n, const int use_mask,
                                   const int skipna, const int compensated, double *sum_out,
                                   double *count_out)
{
    double s[REDUCE_LANES] = {0}, c[REDUCE_LANES] = {0}, cnt[REDUCE_LANES] = {0};
    int64_t i = 0;
    for (; i + REDUCE_LANES <= n; i += REDUCE_LANES) {
        for (int l = 0; l < REDUCE_LANES; l++) {
            double ok, v = HPCS_T(load)(x, mask, i + l, use_mask, skipna, &ok);
            v = ok != 0.0 ? v : 0.0;
            cnt[l] += ok;
            if (compensated) {
                double y = v - c[l];
                double t = s[l] + y;
                c[l] = (t - s[l]) - y;
                s[l] = t;
            } else {
                s[l] += v;
            }
        }
    }
    for (int l = 0; i < n; i++, l++) {
        double ok, v = HPCS_T(load)(x, mask, i, use_mask, skipna, &ok);
        v = ok != 0.0 ? v : 0.0;
        cnt[l] += ok;
        if (compensated) {
            double y = v - c[l];
            double t = s[l] + y;
            c[l] = (t - s[l]) - y;
            s[l] = t;
        } else {
            s[l] += v;
        }
    }
    double sum = 0.0, comp = 0.0, count = 0.0;
    for (int l = 0; l < REDUCE_LANES; l++) {
        neumaier_add(&sum, &comp, s[l]);
        neumaier_add(&sum, &comp, -c[l]);
        count += cnt[l];
    }
    *sum_out = compensated ? sum + comp : sum;
    *count_out = count;
}

HPCS_INLINE void HPCS_T(sum_count)(const T *x, const uint8_t *mask, int64_t n, const int use_mask,
                                   const int skipna, double *sum, double *count)
{
    HPCS_T(sum_lanes)(x, mask, n, use_mask, skipna, 1, sum, count);
    if (!isfinite(*sum)) HPCS_T(sum_lanes)(x, mask, n, use_mask, skipna, 0, sum, count);
}

HPCS_INLINE void HPCS_T(sum_dispatch)(const T *x, const uint8_t *mask, int64_t n, uint32_t flags,
                                      double *sum, double *count)
{
    const int skipna = (flags & HPCS_SKIPNA) != 0;
    if (mask) {
        if (skipna) HPCS_T(sum_count)(x, mask, n, 1, 1, sum, count);
        else HPCS_T(sum_count)(x, mask, n, 1, 0, sum, count);
    } else {
        if (skipna) HPCS_T(sum_count)(x, mask, n, 0, 1, sum, count);
        else HPCS_T(sum_count)(x, mask, n, 0, 0, sum, count);
    }
}

HPCS_CLONES static hpcs_status HPCS_T(sum_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)out_stride;
    double count;
    HPCS_T(sum_dispatch)(xv, mask, n, a->flags, out, &count);
    return HPCS_OK;
}

HPCS_CLONES static hpcs_status HPCS_T(mean_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                               const hpcs__reduce_args *a, double *out,
                                               int64_t out_stride)
{
    (void)out_stride;
    double sum, count;
    HPCS_T(sum_dispatch)(xv, mask, n, a->flags, &sum, &count);
    *out = count > 0.0 ? sum / count : NAN;
    return HPCS_OK;
}

/* (count, mean, m2) of x[0..n), blockwise two-pass + Chan merge. */
HPCS_INLINE void HPCS_T(moments)(const T *x, const uint8_t *mask, int64_t n, const int use_mask,
                                 const int skipna, double *count, double *mean, double *m2)
{
    double nt = 0.0, mt = 0.0, m2t = 0.0;
    for (int64_t b0 = 0; b0 < n; b0 += REDUCE_VAR_BLOCK) {
        const int64_t bn = n - b0 < REDUCE_VAR_BLOCK ? n - b0 : REDUCE_VAR_BLOCK;
        const T *xb = x + b0;
        const uint8_t *mb = use_mask ? mask + b0 : mask;
        double s[REDUCE_LANES] = {0}, cnt[REDUCE_LANES] = {0};
        for (int64_t i = 0; i < bn; i++) {
            double ok, v = HPCS_T(load)(xb, mb, i, use_mask, skipna, &ok);
            s[i % REDUCE_LANES] += ok != 0.0 ? v : 0.0;
            cnt[i % REDUCE_LANES] += ok;
        }
        double sb = 0.0, nb = 0.0;
        for (int l = 0; l < REDUCE_LANES; l++) {
            sb += s[l];
            nb += cnt[l];
        }
        if (nb == 0.0) continue;
        const double meanb = sb / nb;
        double d1[REDUCE_LANES] = {0}, d2[REDUCE_LANES] = {0};
        for (int64_t i = 0; i < bn; i++) {
            double ok, v = HPCS_T(load)(xb, mb, i, use_mask, skipna, &ok);
            double d = ok != 0.0 ? v - meanb : 0.0;
            d1[i % REDUCE_LANES] += d;
            d2[i % REDUCE_LANES] += d * d;
        }
        double s1 = 0.0, s2 = 0.0;
        for (int l = 0; l < REDUCE_LANES; l++) {
            s1 += d1[l];
            s2 += d2[l];
        }
        /* Corrected two-pass: s1 is the rounding error of meanb. */
        chan_merge(&nt, &mt, &m2t, nb, meanb + s1 / nb, s2 - s1 * s1 / nb);
    }
    *count = nt;
    *mean = mt;
    *m2 = m2t;
}

HPCS_CLONES static hpcs_status HPCS_T(var_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)out_stride;
    const T *x = xv;
    const int skipna = (a->flags & HPCS_SKIPNA) != 0;
    double count, mean, m2;
    if (mask) {
        if (skipna) HPCS_T(moments)(x, mask, n, 1, 1, &count, &mean, &m2);
        else HPCS_T(moments)(x, mask, n, 1, 0, &count, &mean, &m2);
    } else {
        if (skipna) HPCS_T(moments)(x, mask, n, 0, 1, &count, &mean, &m2);
        else HPCS_T(moments)(x, mask, n, 0, 0, &count, &mean, &m2);
    }
    double var = count > (double)a->ddof ? m2 / (count - (double)a->ddof) : NAN;
    /* A NaN/inf mean poisons m2 through the deviations; keep it NaN. */
    if (!isfinite(mean) && count > (double)a->ddof) var = NAN;
    if (var < 0.0) var = 0.0;
    *out = var;
    return HPCS_OK;
}

HPCS_CLONES static hpcs_status HPCS_T(std_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    hpcs_status st = HPCS_T(var_1d)(xv, mask, n, a, out, out_stride);
    *out = sqrt(*out);
    return st;
}

/* min (sign = +1) or max (sign = -1) of the taking part elements. */
HPCS_INLINE hpcs_status HPCS_T(extreme)(const T *x, const uint8_t *mask, int64_t n,
                                        const int use_mask, const int skipna, const int is_max,
                                        double *out)
{
    double m[REDUCE_LANES], cnt[REDUCE_LANES] = {0}, nan[REDUCE_LANES] = {0};
    const double init = is_max ? -INFINITY : INFINITY;
    for (int l = 0; l < REDUCE_LANES; l++) m[l] = init;
    for (int64_t i = 0; i < n; i++) {
        double ok, v = HPCS_T(load)(x, mask, i, use_mask, skipna, &ok);
        const int l = (int)(i % REDUCE_LANES);
        cnt[l] += ok;
        nan[l] += (ok != 0.0 && v != v) ? 1.0 : 0.0;
        v = ok != 0.0 ? v : init;
        /* NaN never wins a comparison, so it is skipped here and reported
         * through nan[]. */
        if (is_max)
            m[l] = v > m[l] ? v : m[l];
        else
            m[l] = v < m[l] ? v : m[l];
    }
    double r = init, count = 0.0, nans = 0.0;
    for (int l = 0; l < REDUCE_LANES; l++) {
        count += cnt[l];
        nans += nan[l];
        if (is_max)
            r = m[l] > r ? m[l] : r;
        else
            r = m[l] < r ? m[l] : r;
    }
    if (count == 0.0) return HPCS_ERR_EMPTY;
    *out = nans > 0.0 ? NAN : r;
    return HPCS_OK;
}

HPCS_INLINE hpcs_status HPCS_T(extreme_dispatch)(const T *x, const uint8_t *mask, int64_t n,
                                                 uint32_t flags, const int is_max, double *out)
{
    const int skipna = (flags & HPCS_SKIPNA) != 0;
    if (mask) {
        if (skipna) return HPCS_T(extreme)(x, mask, n, 1, 1, is_max, out);
        return HPCS_T(extreme)(x, mask, n, 1, 0, is_max, out);
    }
    if (skipna) return HPCS_T(extreme)(x, mask, n, 0, 1, is_max, out);
    return HPCS_T(extreme)(x, mask, n, 0, 0, is_max, out);
}

HPCS_CLONES static hpcs_status HPCS_T(min_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)out_stride;
    return HPCS_T(extreme_dispatch)(xv, mask, n, a->flags, 0, out);
}

HPCS_CLONES static hpcs_status HPCS_T(max_1d)(const void *xv, const uint8_t *mask, int64_t n,
                                              const hpcs__reduce_args *a, double *out,
                                              int64_t out_stride)
{
    (void)out_stride;
    return HPCS_T(extreme_dispatch)(xv, mask, n, a->flags, 1, out);
}

/* ---- public entry points ----------------------------------------------- */

#define REDUCE_ENTRY(op)                                                      \
    HPCS_API hpcs_status HPCS_T(hpcs_##op)(const T *x, int64_t outer, int64_t n, int64_t inner,  \
                                           const uint8_t *where, uint32_t flags, double *out)     \
    {                                                                                             \
        hpcs__reduce_args a = {.flags = flags};                                                   \
        return hpcs__reduce_layout(HPCS_T(op##_1d), sizeof(T), x, outer, n, inner, where, &a, 1,  \
                                   out);                                                          \
    }
REDUCE_ENTRY(sum)
REDUCE_ENTRY(mean)
REDUCE_ENTRY(min)
REDUCE_ENTRY(max)
#undef REDUCE_ENTRY

#define REDUCE_DDOF_ENTRY(op)                                                             \
    HPCS_API hpcs_status HPCS_T(hpcs_##op)(const T *x, int64_t outer, int64_t n, int64_t inner,  \
                                           const uint8_t *where, int64_t ddof, uint32_t flags,    \
                                           double *out)                                           \
    {                                                                                             \
        if (ddof < 0) return HPCS_ERR_ARG;                                                        \
        hpcs__reduce_args a = {.flags = flags, .ddof = ddof};                                     \
        return hpcs__reduce_layout(HPCS_T(op##_1d), sizeof(T), x, outer, n, inner, where, &a, 1, \
                                   out);                                                          \
    }
REDUCE_DDOF_ENTRY(var)
REDUCE_DDOF_ENTRY(std)
#undef REDUCE_DDOF_ENTRY
