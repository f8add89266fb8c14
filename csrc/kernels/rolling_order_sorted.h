/*
 * rolling_order_sorted.h — the rolling median / quantile / MAD for windows
 * up to RO_SORTED_MAX_WINDOW, independent of the element type: the
 * window's valid values as a sorted key array updated in place (O(w) per
 * step, but a vectorized count and one short memmove, with no per-chunk
 * sorting or set bookkeeping: several times faster than the rank set for
 * small windows, docs/design/rolling_order.md), and the statistics of a
 * sorted window.
 */
#ifndef HPCS_ROLLING_ORDER_SORTED_H
#define HPCS_ROLLING_ORDER_SORTED_H

#include "rolling_order_common.h"

/* ro_key as a signed integer (same order): AVX2 compares signed 64-bit only.
 * It is the double's bits with those below the sign flipped for negative
 * values, a map that is its own inverse (three operations each way). */
HPCS_INLINE int64_t ro_skey_of_bits(int64_t u) { return u ^ (int64_t)((uint64_t)(u >> 63) >> 1); }
HPCS_INLINE int64_t ro_skey(double v)
{
    int64_t u;
    memcpy(&u, &v, sizeof u);
    return ro_skey_of_bits(u);
}
HPCS_INLINE double ro_svalue(int64_t k)
{
    const int64_t u = ro_skey_of_bits(k);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* One slide of the sorted window src[0..*count) into dst: insert key kin
 * and erase key kout (present), where RO_NO_KEY stands for "nothing" (a
 * NaN, or a position outside the series).  Both arrays are padded: [-1]
 * holds INT64_MIN and [*count .. *count + 2] hold RO_NO_KEY, so "nothing"
 * sits past the end and erasing or inserting it changes nothing; dst gets
 * the same padding.  No positions are searched: with r = src without
 * kout, r[i] = src[i] < kout ? src[i] : src[i + 1], and with kin inserted
 * dst[i] = r[i] < kin ? r[i] : max(r[i - 1], kin) -- selects between
 * neighbours, a loop with no branch that vectorizes.  (Equal keys are
 * equal bits, so erasing the first copy of kout is erasing kout.) */
#define RO_NO_KEY INT64_MAX
HPCS_INLINE void ro_sorted_slide(const int64_t *restrict src, int64_t *restrict dst,
                                 int64_t *count, int64_t kin, int64_t kout)
{
    const int64_t c = *count;
    for (int64_t i = 0; i <= c + 1; i++) {
        const int64_t before = src[i - 1], here = src[i], after = src[i + 1];
        const int64_t r_before = before < kout ? before : here;
        const int64_t r_here = here < kout ? here : after;
        const int64_t shifted = r_before > kin ? r_before : kin;
        dst[i] = r_here < kin ? r_here : shifted;
    }
    dst[c + 2] = dst[c + 3] = RO_NO_KEY; /* the new count is at most c + 1 */
    *count = c + (kin != RO_NO_KEY) - (kout != RO_NO_KEY);
}

/* The statistics of a sorted window (count >= 1), with the same arithmetic
 * as ro_median / ro_quantile / ro_mad, hence the same bits. */
HPCS_INLINE double ro_sorted_median(const int64_t *keys, int64_t c)
{
    const double lower = ro_svalue(keys[(c - 1) / 2]);
    if (c & 1) return lower;
    return (lower + ro_svalue(keys[c / 2])) / 2.0;
}

HPCS_INLINE double ro_sorted_quantile(const int64_t *keys, int64_t c, double q, int32_t method,
                                      ro_qpos *pos)
{
    if (pos->count != c) {
        hpcs__quantile_pos(q, c, method, &pos->lo, &pos->hi, &pos->frac);
        pos->count = c;
    }
    const double lo = ro_svalue(keys[pos->lo]);
    if (pos->hi == pos->lo) return lo;
    return hpcs__lerp(lo, ro_svalue(keys[pos->lo + 1]), pos->frac);
}

/* How many p in [p0, p1) have a value closer to m than the value gap places
 * to their right: compares without branches, which vectorize. */
HPCS_INLINE int64_t ro_sorted_count_closer(const int64_t *keys, int64_t p0, int64_t p1, int64_t gap,
                                          double m)
{
    int64_t closer = 0;
    for (int64_t p = p0; p < p1; p++)
        closer += fabs(ro_svalue(keys[p]) - m) < fabs(ro_svalue(keys[p + gap]) - m);
    return closer;
}

/* Where the MAD of a sorted window of c values splits (ro_sorted_mad):
 * a has the na values below index h, b the nb others, the middle
 * deviation is the k-th smallest, and the split i lies in [lo, hi]. */
typedef struct ro_mad_split {
    int64_t h, na, nb, k, lo, hi;
} ro_mad_split;

HPCS_INLINE ro_mad_split ro_mad_split_of(int64_t c)
{
    const int64_t h = c / 2, k = (c - 1) / 2;
    return (ro_mad_split){h, h, c - h, k, ro_max(0, k + 1 - (c - h)), ro_min(k + 1, h)};
}

/* MAD: the deviations of the values below the median, read leftwards (a),
 * and of the others, read rightwards (b), are two ascending lists; the
 * middle deviations are the k-th smallest of their union: the first k + 1
 * are a[0..i) and b[0..k + 1 - i), where i is the first index with
 * a[i] >= b[k - i].  That test is monotone in i, so i is found by counting
 * the indices that pass it rather than by bisection, whose steps wait on
 * one another and which GCC compiled to a branch taken at random. */
HPCS_INLINE double ro_sorted_mad(const int64_t *keys, int64_t c, double scale)
{
    const double m = ro_sorted_median(keys, c);
    if (!isfinite(m)) { /* as ro_mad */
        const double extreme = ro_svalue(keys[m > 0 ? c - 1 : 0]);
        return (m == extreme || m != m ? NAN : INFINITY) * scale;
    }
    const ro_mad_split sp = ro_mad_split_of(c);
    const int64_t h = sp.h, na = sp.na, nb = sp.nb, k = sp.k, lo = sp.lo, hi = sp.hi;
#define RO_DEV_A(j) fabs(ro_svalue(keys[h - 1 - (j)]) - m)
#define RO_DEV_B(j) fabs(ro_svalue(keys[h + (j)]) - m)
    /* a[j] is keys[h - 1 - j] and b[k - j] is keys[h + k - j]. */
    const int64_t i = lo + ro_sorted_count_closer(keys, h - hi, h - lo, k + 1, m);
    const int64_t j = k + 1 - i; /* the k + 1 smallest: a[0..i), b[0..j) */
    const double da = i > 0 ? RO_DEV_A(i - 1) : -INFINITY, db = j > 0 ? RO_DEV_B(j - 1) : -INFINITY;
    double d = da > db ? da : db;
    if ((c & 1) == 0) { /* average with the next smallest deviation */
        const double na_dev = i < na ? RO_DEV_A(i) : INFINITY, nb_dev = j < nb ? RO_DEV_B(j) : INFINITY;
        d = (d + (na_dev < nb_dev ? na_dev : nb_dev)) / 2.0;
    }
#undef RO_DEV_A
#undef RO_DEV_B
    return d * scale;
}

/* ro_sorted_mad of RO_MAD_LANES windows with the same count c, slots
 * `stride` keys apart, side by side (one output per vector lane).  Without
 * the count i: of the candidates j of ro_sorted_mad's test, those that
 * pass are j < i and those that fail j >= i, so its four reads a[i - 1],
 * b[k - i], a[i] and b[k + 1 - i] are the largest and smallest deviations
 * of the passing and failing sides, each next to one fixed bound.  Same
 * deviations, same max / min: the same bits.  A lane whose median is not
 * finite is redone by ro_sorted_mad. */
HPCS_INLINE void ro_sorted_mad_lanes(const int64_t *keys, int64_t stride, int64_t c, double scale,
                                     double res[RO_MAD_LANES])
{
    enum { L = RO_MAD_LANES };
    double v[RO_MAD_LANES_MAX_WINDOW][L], m[L]; /* c <= w <= RO_MAD_LANES_MAX_WINDOW */
    for (int64_t p = 0; p < c; p++)
        for (int l = 0; l < L; l++) v[p][l] = ro_svalue(keys[l * stride + p]);
    for (int l = 0; l < L; l++) m[l] = c & 1 ? v[c / 2][l] : (v[c / 2 - 1][l] + v[c / 2][l]) / 2.0;
    const ro_mad_split sp = ro_mad_split_of(c);
    const int64_t h = sp.h, na = sp.na, nb = sp.nb, k = sp.k, lo = sp.lo, hi = sp.hi;
#define RO_DEV(p) fabs(v[p][l] - m[l])
    /* a[lo - 1], b[k - hi] and a[hi], b[k + 1 - lo], where they exist. */
    double pass_a[L], fail_b[L], fail_a[L], pass_b[L];
    for (int l = 0; l < L; l++) {
        pass_a[l] = lo > 0 ? RO_DEV(h - lo) : -INFINITY;
        fail_b[l] = k - hi >= 0 ? RO_DEV(h + k - hi) : -INFINITY;
        fail_a[l] = hi < na ? RO_DEV(h - 1 - hi) : INFINITY;
        pass_b[l] = k + 1 - lo < nb ? RO_DEV(h + k + 1 - lo) : INFINITY;
    }
    for (int64_t j = lo; j < hi; j++)
        for (int l = 0; l < L; l++) {
            const double da = RO_DEV(h - 1 - j), db = RO_DEV(h + k - j);
            const int pass = da < db;
            const double pa = pass ? da : -INFINITY, fb = pass ? -INFINITY : db;
            const double fa = pass ? INFINITY : da, pb = pass ? db : INFINITY;
            pass_a[l] = pa > pass_a[l] ? pa : pass_a[l];
            fail_b[l] = fb > fail_b[l] ? fb : fail_b[l];
            fail_a[l] = fa < fail_a[l] ? fa : fail_a[l];
            pass_b[l] = pb < pass_b[l] ? pb : pass_b[l];
        }
#undef RO_DEV
    for (int l = 0; l < L; l++) {
        double d = pass_a[l] > fail_b[l] ? pass_a[l] : fail_b[l];
        if ((c & 1) == 0) d = (d + (fail_a[l] < pass_b[l] ? fail_a[l] : pass_b[l])) / 2.0;
        res[l] = d * scale;
    }
    for (int l = 0; l < L; l++)
        if (!isfinite(m[l])) res[l] = ro_sorted_mad(keys + l * stride, c, scale);
}

/* Whether the RO_MAD_LANES windows from counts[0] on hold as many values. */
HPCS_INLINE int ro_same_counts(const int64_t *counts)
{
    int same = 1;
    for (int l = 1; l < RO_MAD_LANES; l++) same &= counts[l] == counts[0];
    return same;
}

/* The statistic `op` of a sorted window of c keys (NaN below min_periods). */
HPCS_INLINE double ro_sorted_stat(ro_op op, const int64_t *keys, int64_t c, const hpcs__rolling_args *a,
                                  ro_qpos *qpos)
{
    if (c < a->min_periods) return NAN;
    if (op == RO_MEDIAN) return ro_sorted_median(keys, c);
    if (op == RO_QUANTILE) return ro_sorted_quantile(keys, c, a->q, a->method, qpos);
    return ro_sorted_mad(keys, c, a->scale);
}

#endif /* HPCS_ROLLING_ORDER_SORTED_H */
