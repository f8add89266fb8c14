/*
 * rolling_agg.h — what the rolling sum/mean/var/std/min/max paths share,
 * independent of the element type: the operations, a window part's
 * aggregate (count, s1, s2) and how two parts make an output, the paths'
 * scratch layouts, and prefetching.
 */
#ifndef HPCS_ROLLING_AGG_H
#define HPCS_ROLLING_AGG_H

#include <string.h>

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

/* ---- the clean scans in GCC vectors --------------------------------------
 * A group of 16 lanes as four 4-lane vectors.  Written as arrays of
 * doubles, the lane loops of the uncounted forward scans were left scalar
 * by GCC (the 16 lanes unrolled, accumulators spilled to the stack).  Each
 * lane does exactly the scalar code's operations in the same order (agg_add,
 * agg_merge, agg_window with counted = 0), so the bits are the same for
 * every clone; only sum, mean, var and std (min/max keep the lane loops). */
typedef double rolling_vec __attribute__((vector_size(32)));
typedef int64_t rolling_ivec __attribute__((vector_size(32)));
enum { RV_W = 4, RV_N = 4 }; /* lanes a vector, vectors a group of 16 */

HPCS_INLINE int rolling_vec_op(const int op)
{
    return op == ROLL_SUM || op == ROLL_MEAN || op == ROLL_VAR || op == ROLL_STD;
}

/* Unaligned loads and stores, and a broadcast (macros: a function returning
 * a vector would need a vector ABI between clones). */
#define RV_LOAD(p)                                                                                 \
    __extension__({                                                                                \
        rolling_vec v_;                                                                            \
        memcpy(&v_, (p), sizeof v_);                                                               \
        v_;                                                                                        \
    })
#define RV_STORE(p, v)                                                                             \
    do {                                                                                           \
        const rolling_vec s_ = (v);                                                                \
        memcpy((p), &s_, sizeof s_);                                                               \
    } while (0)
#define RV_SPLAT(x) ((rolling_vec){(x), (x), (x), (x)})

/* Backward step of one row: a1/a2 += the value (lane k's shift ks[k]),
 * the suffix stored to s1/s2; with own, p1/p2 += the value with shift
 * kp[k] too. */
HPCS_INLINE void rv_back_row(const double *restrict in, double *restrict s1, double *restrict s2,
                             rolling_vec a1[RV_N], rolling_vec a2[RV_N], rolling_vec p1[RV_N],
                             rolling_vec p2[RV_N], const double *ks, const double *kp,
                             const int op, const int own)
{
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    for (int q = 0; q < RV_N; q++) {
        const rolling_vec v = RV_LOAD(in + q * RV_W);
        const rolling_vec d = is_var ? v - RV_LOAD(ks + q * RV_W) : v;
        a1[q] += d;
        RV_STORE(s1 + q * RV_W, a1[q]);
        if (is_var) {
            a2[q] += d * d;
            RV_STORE(s2 + q * RV_W, a2[q]);
            if (own) {
                const rolling_vec e = v - RV_LOAD(kp + q * RV_W);
                p1[q] += e;
                p2[q] += e * e;
            }
        }
    }
}

/* Forward step of one row: a1/a2 += the value (shift kp[k]); each output is
 * agg_window of the suffix s1/s2 (plus the middle m1/m2 if mid) and the
 * prefix, over `full` values; written to out (which may be in).  std's
 * square root is left to the caller. */
HPCS_INLINE void rv_fwd_row(const double *in, double *out, const double *restrict s1,
                            const double *restrict s2, rolling_vec a1[RV_N], rolling_vec a2[RV_N],
                            const double *m1, const double *m2, const double *kp, double full,
                            double dof, const int op, const int mid)
{
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    for (int q = 0; q < RV_N; q++) {
        const rolling_vec v = RV_LOAD(in + q * RV_W);
        const rolling_vec d = is_var ? v - RV_LOAD(kp + q * RV_W) : v;
        a1[q] += d;
        rolling_vec s1a = RV_LOAD(s1 + q * RV_W);
        if (mid) s1a += RV_LOAD(m1 + q * RV_W);
        rolling_vec r;
        if (is_var) {
            a2[q] += d * d;
            rolling_vec s2a = RV_LOAD(s2 + q * RV_W);
            if (mid) s2a += RV_LOAD(m2 + q * RV_W);
            const rolling_vec t1 = s1a + a1[q], t2 = s2a + a2[q];
            r = (t2 - t1 * t1 / RV_SPLAT(full)) / RV_SPLAT(dof);
            r = (rolling_vec)((rolling_ivec)r & ~(r < RV_SPLAT(0.0)));
            const rolling_ivec bad = (t2 != t2) | ((rolling_ivec){0} - (dof <= 0.0));
            r = (rolling_vec)(((rolling_ivec)r & ~bad) | ((rolling_ivec)RV_SPLAT(NAN) & bad));
        } else {
            r = s1a + a1[q];
            if (op == ROLL_MEAN) r = r / RV_SPLAT(full);
        }
        RV_STORE(out + q * RV_W, r);
    }
}

/* Two-source shuffle with a constant selector (GCC and clang spell it
 * differently; the fuzzing build is clang's). */
#ifdef __clang__
#define RV_SHUF(a, b, i, j, k, l) __builtin_shufflevector(a, b, i, j, k, l)
#else
#define RV_SHUF(a, b, i, j, k, l) __builtin_shuffle(a, b, (rolling_ivec){i, j, k, l})
#endif

/* Transpose the 4x4 block whose rows are the 4 doubles at src + i * ss
 * (i < 4) into dst + i * ds; NaN among them sets lanes of *nan.  Moves
 * only, so no change of bits: the copies between series and lanes were
 * scalar loads and stores, a large share of the time of the clean scans. */
HPCS_INLINE void rv_transpose4(const double *src, int64_t ss, double *dst, int64_t ds,
                               rolling_ivec *nan)
{
    const rolling_vec r0 = RV_LOAD(src), r1 = RV_LOAD(src + ss);
    const rolling_vec r2 = RV_LOAD(src + 2 * ss), r3 = RV_LOAD(src + 3 * ss);
    *nan |= (r0 != r0) | (r1 != r1) | (r2 != r2) | (r3 != r3);
    const rolling_vec t0 = RV_SHUF(r0, r1, 0, 4, 2, 6), t1 = RV_SHUF(r0, r1, 1, 5, 3, 7);
    const rolling_vec t2 = RV_SHUF(r2, r3, 0, 4, 2, 6), t3 = RV_SHUF(r2, r3, 1, 5, 3, 7);
    RV_STORE(dst, RV_SHUF(t0, t2, 0, 1, 4, 5));
    RV_STORE(dst + ds, RV_SHUF(t1, t3, 0, 1, 4, 5));
    RV_STORE(dst + 2 * ds, RV_SHUF(t0, t2, 2, 3, 6, 7));
    RV_STORE(dst + 3 * ds, RV_SHUF(t1, t3, 2, 3, 6, 7));
}

/* Rows [0, rows) of lanes [0, 4 * nq) from src (lane k row j at
 * src[k * sk + j * sj]) to dst (at dst[k * dk + j * dj]), where one side
 * is a series (its row stride 1) and the other lanes (lane stride 1);
 * returns whether one was NaN. */
HPCS_INLINE int rv_move(const double *src, int64_t sk, int64_t sj, double *dst, int64_t dk,
                        int64_t dj, int64_t rows, int nq)
{
    rolling_ivec nan = {0};
    int64_t j = 0;
    for (; j + 4 <= rows; j += 4)
        for (int q = 0; q < nq; q++)
            rv_transpose4(src + 4 * q * sk + j * sj, sj == 1 ? sk : sj,
                          dst + 4 * q * dk + j * dj, dj == 1 ? dk : dj, &nan);
    int nan_seen = (nan[0] | nan[1] | nan[2] | nan[3]) != 0;
    for (; j < rows; j++)
        for (int k = 0; k < 4 * nq; k++) {
            const double v = src[k * sk + j * sj];
            nan_seen |= v != v;
            dst[k * dk + j * dj] = v;
        }
    return nan_seen;
}

/* Series to lanes: lane k row j from x[k * sl + j] to xt[j * dr + k]. */
#define RV_TO_LANES(x, sl, xt, dr, rows, nq) rv_move(x, sl, 1, xt, 1, dr, rows, nq)
/* Lanes to series: lane k row j from xt[j * sr + k] to out[k * dl + j]. */
#define RV_FROM_LANES(xt, sr, out, dl, rows, nq) (void)rv_move(xt, 1, sr, out, dl, 1, rows, nq)

#endif /* HPCS_ROLLING_AGG_H */
