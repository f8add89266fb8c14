/*
 * select.h — the element-type-independent part of selection (select_body.h):
 * Floyd–Rivest selection with branch-free three-way partitioning, heapsort
 * fallback, rank rules and numpy's median of the middle values.  Every
 * function is HPCS_INLINE, so each ISA clone of the kernels runs its own
 * copy.
 */
#ifndef HPCS_SELECT_H
#define HPCS_SELECT_H

#include <stdlib.h>
#include <string.h>

#include "hpcs_internal.h"
#include "tuning.h"

/* Per-chunk tallies of a bracketing pass; overflow: its inside values did
 * not fit its region. */
typedef struct bracket_tally {
    int64_t valid, below, middle;
    int overflow;
} bracket_tally;

/* Which order statistics a bracketing selects: quantile q's ranks by
 * method, or (q < 0, MEDIAN_RULE) numpy's median's middle one or two. */
typedef struct rank_rule {
    double q;
    int32_t method;
} rank_rule;
#define MEDIAN_RULE ((rank_rule){-1.0, 0})

/* The ranks k <= k2 that `rule` wants among count >= 1 values. */
HPCS_INLINE void rule_ranks(rank_rule rule, int64_t count, int64_t *k, int64_t *k2)
{
    if (rule.q < 0.0) {
        *k = (count - 1) / 2;
        *k2 = count % 2 ? *k : *k + 1;
        return;
    }
    double frac;
    hpcs__quantile_pos(rule.q, count, rule.method, k, k2, &frac);
}

/* Whether a slice of n values, count of them valid, has a NaN statistic. */
HPCS_INLINE int bracket_nan(int64_t count, int64_t n, int skipna)
{
    return count == 0 || (count < n && !skipna);
}

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

HPCS_INLINE void sel_heapsort(double *a, int64_t n)
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

/* Scratch for partitioning ranges of up to n values (NULL: out of memory). */
HPCS_INLINE double *partition_buffer(int64_t n)
{
    return malloc((size_t)(n < 1 ? 1 : n < SELECT_PARTITION_MAX ? n : SELECT_PARTITION_MAX) *
                  sizeof(double));
}

/* Rearrange a[left..right] (NaN-free) so that a[k] is the value of rank k,
 * with nothing larger before it and nothing smaller after it.  tmp is a
 * partition_buffer for at least right - left + 1 values.
 *
 * Floyd and Rivest's algorithm recurses: before partitioning a range of
 * more than SELECT_SMALL values it selects k within a sample-sized window
 * of it, which leaves good pivots at a[k].  That recursion is written here
 * as a loop over an explicit stack of ranges, so the function can be
 * HPCS_INLINE and every clone runs its own copy (a recursive function is
 * never inlined: all clones would call one baseline copy).  The steps are
 * those of the recursion, in the same order: the same bits.  Each nested
 * range is a proper sub-range and takes one round of the budget, so the
 * depth is below the budget (at most 8 + 2 * 63 rounds: select_rank). */
enum { FR_MAX_DEPTH = 8 + 2 * 64 };
typedef struct fr_range {
    int64_t left, right;
    int budget;
} fr_range;

/* Whether range r (size > SELECT_SMALL) gets a nested sample-window range:
 * then *inner is it, with r's budget (already charged for this round). */
HPCS_INLINE void fr_sample_window(const fr_range *r, int64_t k, fr_range *inner)
{
    const int64_t left = r->left, right = r->right;
    const double n = (double)(right - left + 1);
    const double i = (double)(k - left + 1);
    const double z = log(n);
    const double s = 0.5 * exp(2.0 * z / 3.0);
    const double sd = 0.5 * sqrt(z * s * (n - s) / n) * (i < n / 2 ? -1.0 : 1.0);
    int64_t new_left = (int64_t)((double)k - i * s / n + sd);
    int64_t new_right = (int64_t)((double)k + (n - i) * s / n + sd);
    inner->left = new_left > left ? new_left : left;
    inner->right = new_right < right ? new_right : right;
    inner->budget = r->budget;
}

/* One partition of range r about a[k]; returns 1 when a[k] is placed, else
 * narrows r to the side holding k. */
HPCS_INLINE int fr_partition(double *a, fr_range *r, int64_t k, double *tmp)
{
    int64_t lo, hi;
    if (r->right - r->left < SELECT_PARTITION_MAX) {
        partition_three_way(a, r->left, r->right, a[k], tmp, &lo, &hi);
    } else {
        lo = hi = partition_in_place(a, r->left, r->right, k);
    }
    if (k < lo) {
        r->right = lo - 1;
    } else if (k > hi) {
        r->left = hi + 1;
    } else {
        return 1;
    }
    return 0;
}

HPCS_INLINE void floyd_rivest(double *a, int64_t left, int64_t right, int64_t k, int budget,
                              double *tmp)
{
    fr_range stack[FR_MAX_DEPTH + 1];
    int depth = 0, resume = 0; /* resume: the range on top returns from its nested one */
    stack[0] = (fr_range){left, right, budget};
    for (;;) {
        fr_range *r = &stack[depth];
        int done = 0;
        if (!resume) {
            if (!(r->right > r->left)) {
                done = 1;
            } else if (r->budget-- <= 0) {
                sel_heapsort(a + r->left, r->right - r->left + 1);
                done = 1;
            } else if (r->right - r->left > SELECT_SMALL && depth < FR_MAX_DEPTH) {
                fr_sample_window(r, k, &stack[depth + 1]);
                depth++;
                continue;
            }
        }
        resume = 0;
        if (!done && !fr_partition(a, r, k, tmp)) continue;
        if (depth == 0) return;
        depth--;
        resume = 1;
    }
}

/* Value of rank k of a[lo..n) (rank counted from 0 over all of a); tmp is
 * a partition_buffer(n - lo). */
HPCS_INLINE double select_rank(double *a, int64_t lo, int64_t n, int64_t k, double *tmp)
{
    if (k == lo) { /* the least value, by one scan (an upper middle value, say) */
        int64_t at = lo;
        double least = a[lo];
        for (int64_t i = lo + 1; i < n; i++)
            if (a[i] < least) least = a[i], at = i; /* rarely taken: predictable */
        sel_swap(a, lo, at);
        return a[lo];
    }
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

#endif /* HPCS_SELECT_H */
