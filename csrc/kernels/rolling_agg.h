/*
 * rolling_agg.h — what the rolling sum/mean/var/std/min/max paths share,
 * independent of the element type: the operations, a window part's
 * aggregate (count, s1, s2) and how two parts make an output, the paths'
 * scratch layouts, and prefetching.
 */
#ifndef HPCS_ROLLING_AGG_H
#define HPCS_ROLLING_AGG_H

#include "hpcs_internal.h"
#include "tuning.h"

enum rolling_op { ROLL_SUM, ROLL_MEAN, ROLL_VAR, ROLL_STD, ROLL_MIN, ROLL_MAX };

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

/* What the backward and forward scans of one sub-block group read besides
 * their arrays (see rolling_sub_body.h): rows, shifts, the prefetch target
 * (fetch_lines cache lines a row from fetch; NULL: none), the window rule. */
typedef struct rolling_sub_scan {
    int64_t sub;                  /* rows of the group's lanes */
    double ks, kp;                /* shifts of suffixes and prefixes (var/std) */
    double full;                  /* uncounted scans: values in every window */
    const char *fetch;
    int64_t fetch_lines;
    const hpcs__rolling_args *args;
} rolling_sub_scan;

/* The sub-block path's state over one block b (see rolling_sub_group). */
typedef struct rolling_sub_block {
    int64_t b;
    int cur;          /* side of the scratch taking block b's suffixes */
    int outputs;      /* whether block b's windows are written out */
    double ks, kp;    /* var/std: shift of block b+1, of block b */
    double before[3]; /* totals of block b's sub-blocks so far */
    int upto;         /* whether all of block b's groups so far were clean */
} rolling_sub_block;

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
 * min_periods.  Ten parameters on purpose: each part is three scalars
 * (count, s1, s2) because the lane loops keep them in three separate
 * arrays, the layout that vectorizes; a struct per part would invite an
 * array of structs. */
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

#endif /* HPCS_ROLLING_AGG_H */
