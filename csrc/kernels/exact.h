/*
 * Exact summation of doubles: a fixed-point superaccumulator.
 *
 * Every finite double is an integer multiple of 2^-1074; the accumulator
 * holds sum * 2^XACC_UNIT_SHIFT as a signed integer in XACC_LIMBS limbs of
 * 32-bit digits (limb k weighs 2^(32k)).  One more unit bit than a double
 * needs (units of 2^-1076) lets half and quarter ulps of subnormals be
 * represented exactly, so exact comparisons with rounding midpoints need no
 * special case.  Adding a value splits its (mantissa << shift) into three
 * digits that go into three limbs without carrying; carries are propagated
 * every XACC_NORMALIZE_EVERY additions, before a limb can overflow.
 *
 * The value of an accumulator is exact, so it depends only on the multiset
 * of values added, never on their order: that is what makes sums
 * independent of thread count, clone, chunking and memory layout.
 * Rounding it to the nearest double (ties to even) is exact too.
 */
#ifndef HPCS_EXACT_H
#define HPCS_EXACT_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define XACC_LIMBS 72            /* 2304 bits: 2^1024 * 2^64 (count) * 2^64 (products) fits */
#define XACC_UNIT_SHIFT 2        /* bit 0 of the accumulator weighs 2^-1076 */
#define XACC_NORMALIZE_EVERY (1 << 30) /* 2^30 additions of < 2^32 per limb stay < 2^62 */

typedef struct xacc {
    int64_t d[XACC_LIMBS];
    int64_t adds; /* additions since the last normalisation */
} xacc;

typedef unsigned __int128 xacc_u128;

HPCS_INLINE uint64_t xacc_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

HPCS_INLINE double xacc_from_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* 2^e for -1022 <= e <= 1023. */
HPCS_INLINE double xacc_pow2(int e)
{
    return xacc_from_bits((uint64_t)(e + 1023) << 52);
}

/* x * 2^e without intermediate overflow or underflow for |e| <= 2200 when
 * the result is a normal number or overflows (then inf). */
HPCS_INLINE double xacc_scale(double x, int e)
{
    while (e > 1000) {
        x *= xacc_pow2(1000);
        e -= 1000;
    }
    while (e < -1000) {
        x *= xacc_pow2(-1000);
        e += 1000;
    }
    return x * xacc_pow2(e);
}

/* The neighbours of a finite double (next toward +inf / -inf). */
HPCS_INLINE double xacc_next_up(double x)
{
    if (x == 0.0) return 0x1p-1074;
    const uint64_t b = xacc_bits(x);
    return xacc_from_bits(x > 0.0 ? b + 1 : b - 1);
}

HPCS_INLINE double xacc_next_down(double x)
{
    return -xacc_next_up(-x);
}

HPCS_INLINE void xacc_init(xacc *a)
{
    for (int k = 0; k < XACC_LIMBS; k++) a->d[k] = 0;
    a->adds = 0;
}

/* Propagate carries: limbs 0..L-2 become digits in [0, 2^32), the top limb
 * holds the sign. */
HPCS_INLINE void xacc_normalize(xacc *a)
{
    int64_t carry = 0;
    for (int k = 0; k < XACC_LIMBS - 1; k++) {
        const int64_t v = a->d[k] + carry;
        carry = v >> 32; /* arithmetic shift: floor division (GCC) */
        a->d[k] = v & 0xffffffff;
    }
    a->d[XACC_LIMBS - 1] += carry;
    a->adds = 0;
}

/* a += (neg ? -1 : 1) * m * 2^pos (in accumulator units), 0 <= pos. */
HPCS_INLINE void xacc_add_u64(xacc *a, uint64_t m, int pos, int neg)
{
    const int k = pos >> 5;
    const xacc_u128 v = (xacc_u128)m << (pos & 31);
    const int64_t s = -(int64_t)(neg != 0); /* 0 or all ones: (d ^ s) - s negates */
    a->d[k] += ((int64_t)(uint32_t)v ^ s) - s;
    a->d[k + 1] += ((int64_t)(uint32_t)(v >> 32) ^ s) - s;
    a->d[k + 2] += ((int64_t)(uint32_t)(v >> 64) ^ s) - s;
    if (++a->adds >= XACC_NORMALIZE_EVERY) xacc_normalize(a);
}

/* Mantissa, accumulator position and sign of a finite double. */
HPCS_INLINE uint64_t xacc_decompose(double x, int *pos, int *neg)
{
    const uint64_t b = xacc_bits(x);
    int e = (int)((b >> 52) & 0x7ff);
    uint64_t m = b & ((UINT64_C(1) << 52) - 1);
    if (e) m |= UINT64_C(1) << 52;
    else e = 1;
    *pos = e - 1 + XACC_UNIT_SHIFT;
    *neg = (int)(b >> 63);
    return m;
}

/* a += x, x finite. */
HPCS_INLINE void xacc_add(xacc *a, double x)
{
    int pos, neg;
    const uint64_t m = xacc_decompose(x, &pos, &neg);
    xacc_add_u64(a, m, pos, neg);
}

/* a += sign * x * k * 2^shift for finite x, k < 2^64, shift >= -2 (the
 * product is exact: a 117-bit integer). */
HPCS_INLINE void xacc_add_mul(xacc *a, double x, uint64_t k, int shift, int negate)
{
    int pos, neg;
    const uint64_t m = xacc_decompose(x, &pos, &neg);
    const xacc_u128 p = (xacc_u128)m * k;
    neg ^= negate;
    pos += shift;
    xacc_add_u64(a, (uint64_t)p, pos, neg);
    xacc_add_u64(a, (uint64_t)(p >> 64), pos + 64, neg);
}

/* a += b (b normalised first, on a copy). */
HPCS_INLINE void xacc_merge(xacc *a, const xacc *b)
{
    xacc t = *b;
    xacc_normalize(&t);
    if (a->adds + 2 >= XACC_NORMALIZE_EVERY) xacc_normalize(a);
    for (int k = 0; k < XACC_LIMBS; k++) a->d[k] += t.d[k];
    a->adds += 2;
}

/* Sign of the exact value: -1, 0 or 1. */
HPCS_INLINE int xacc_sign(const xacc *src)
{
    xacc a = *src;
    xacc_normalize(&a);
    if (a.d[XACC_LIMBS - 1] < 0) return -1;
    for (int k = 0; k < XACC_LIMBS; k++)
        if (a.d[k] != 0) return 1;
    return 0;
}

/* The exact value * 2^-down, rounded to the nearest double (ties to even).
 * down = 0 gives the correctly rounded sum; the value must be a multiple of
 * 2^(-1074 + down) (sums of doubles are) when the result is subnormal. */
HPCS_INLINE double xacc_round_scaled(const xacc *src, int down)
{
    xacc a = *src;
    xacc_normalize(&a);
    const int neg = a.d[XACC_LIMBS - 1] < 0;
    if (neg) {
        for (int k = 0; k < XACC_LIMBS; k++) a.d[k] = -a.d[k];
        xacc_normalize(&a);
    }
    int h = XACC_LIMBS - 1;
    while (h >= 0 && a.d[h] == 0) h--;
    if (h < 0) return 0.0;
    const uint64_t dh = (uint64_t)a.d[h];
    const uint64_t d1 = h >= 1 ? (uint64_t)a.d[h - 1] : 0, d2 = h >= 2 ? (uint64_t)a.d[h - 2] : 0;
    double r;
    if (h <= 1 && (dh >> 23) == 0) {
        /* Below 2^55 units: an integer < 2^53 of 2^-1074 units (exact). */
        const uint64_t units = (h == 1 ? (dh << 32) | d1 : dh) >> XACC_UNIT_SHIFT;
        r = (double)units * 0x1p-1074;
        if (down) r = xacc_scale(r * 0x1p200, -200 - down);
    } else {
        int sticky = 0;
        for (int k = 0; k < h - 2; k++) sticky |= a.d[k] != 0;
        xacc_u128 v = ((xacc_u128)dh << 64) | ((xacc_u128)d1 << 32) | d2;
        const int lz = __builtin_clzll(dh) - 32;
        v <<= lz + 32;
        const uint64_t top = (uint64_t)(v >> 64) | (uint64_t)((uint64_t)v != 0) | (uint64_t)sticky;
        /* top's unit weighs 2^(32(h-2) - lz - 32 + 64) accumulator units;
         * top has 64 significant bits, so (double)top rounds once, and the
         * sticky bit in bit 0 decides the ties it must not see as ties. */
        const int e2 = 32 * (h - 2) - lz + 32 - 1074 - XACC_UNIT_SHIFT - down;
        if (e2 + 64 < -1021) {
            /* Subnormal result of a scaled value: round at 2^-1074. */
            const int sh = -1074 - e2; /* bits of top below 2^-1074: > 11 */
            if (sh >= 64) {
                const int half = sh == 64 ? (top >> 63) && (top << 1) : 0;
                r = half ? 0x1p-1074 : 0.0;
            } else {
                const uint64_t q = top >> sh, rem = top & ((UINT64_C(1) << sh) - 1);
                const uint64_t halfv = UINT64_C(1) << (sh - 1);
                const uint64_t qq = q + (rem > halfv || (rem == halfv && (q & 1)));
                r = (double)qq * 0x1p-1074;
            }
        } else {
            r = xacc_scale((double)top, e2);
        }
    }
    return neg ? -r : r;
}

HPCS_INLINE double xacc_round(const xacc *a)
{
    return xacc_round_scaled(a, 0);
}

/* The double nearest to (exact value of a) / k, k >= 1 (ties to even). */
HPCS_INLINE double xacc_div(const xacc *a, uint64_t k)
{
    double q = xacc_round(a);
    if (isfinite(q)) q = q / (double)k;
    else q = xacc_scale(xacc_round_scaled(a, 64) / (double)k, 64);
    if (!isfinite(q)) q = copysign(0x1.fffffffffffffp1023, q);
    for (int iter = 0; iter < 64; iter++) {
        /* Compare a with k * (q +- half the gap to each neighbour). */
        const double up = xacc_next_up(q), dn = xacc_next_down(q);
        xacc t = *a;
        xacc_add_mul(&t, q, k, 0, 1);
        if (isfinite(up)) {
            xacc u = t;
            xacc_add_mul(&u, up - q, k, -1, 1);
            const int s = xacc_sign(&u);
            if (s > 0 || (s == 0 && (xacc_bits(q) & 1))) {
                q = up;
                continue;
            }
        } else {
            /* q = DBL_MAX: past DBL_MAX + half its ulp (2^970) is inf. */
            xacc u = t;
            xacc_add_mul(&u, 0x1p970, k, 0, 1);
            if (xacc_sign(&u) >= 0) return INFINITY;
        }
        if (isfinite(dn)) {
            xacc u = t;
            xacc_add_mul(&u, q - dn, k, -1, 0);
            const int s = xacc_sign(&u);
            if (s < 0 || (s == 0 && (xacc_bits(q) & 1))) {
                q = dn;
                continue;
            }
        } else {
            xacc u = t;
            xacc_add_mul(&u, 0x1p970, k, 0, 0);
            if (xacc_sign(&u) <= 0) return -INFINITY;
        }
        break;
    }
    return q;
}


/* ---- Exact sums with non-finite terms as flags ----------------------------
 * What reductions, robust means and the partial-sums API (hpcs.h) share:
 * one exact accumulator per slice, inf/NaN kept aside as IEEE would. */

/* A chunk's exact sum, count and non-finite terms. */
typedef struct xsum_part {
    xacc acc;
    double count;
    int nan, pinf, ninf;
} xsum_part;

/* Add one term: exactly if finite, else as a flag. */
HPCS_INLINE void xsum_put(xsum_part *p, double v)
{
    if (isfinite(v)) xacc_add(&p->acc, v);
    else if (v != v) p->nan = 1;
    else if (v > 0.0) p->pinf = 1;
    else p->ninf = 1;
}

/* The sum of a slice holding non-finite terms, as IEEE/numpy: NaN if any
 * NaN or both infinities, else the infinity. */
HPCS_INLINE double special_sum(const xsum_part *p)
{
    if (p->nan || (p->pinf && p->ninf)) return NAN;
    return p->pinf ? INFINITY : -INFINITY;
}

/* Merge the exact parts of a slice's chunks into parts[0]. */
HPCS_INLINE void xsum_merge(xsum_part *parts, int64_t nchunks)
{
    for (int64_t c = 1; c < nchunks; c++) {
        xacc_merge(&parts[0].acc, &parts[c].acc);
        parts[0].count += parts[c].count;
        parts[0].nan |= parts[c].nan;
        parts[0].pinf |= parts[c].pinf;
        parts[0].ninf |= parts[c].ninf;
    }
}

/* Write the exact sum of p as at most HPCS_PARTIAL_MAX non-overlapping
 * doubles, largest first (the first is the correctly rounded sum); a sum
 * with non-finite terms, or too large for that many doubles, is one
 * special term (NaN, +inf or -inf). */
HPCS_INLINE void xsum_terms(const xsum_part *p, double *terms, int64_t *nterms)
{
    if (p->nan || p->pinf || p->ninf) {
        terms[0] = special_sum(p);
        *nterms = 1;
        return;
    }
    xacc a = p->acc;
    int64_t k = 0;
    while (k < HPCS_PARTIAL_MAX) {
        double t = xacc_round(&a);
        if (t == 0.0) break;
        if (!isfinite(t)) t = copysign(0x1.fffffffffffffp1023, t);
        terms[k++] = t;
        xacc_add_mul(&a, t, 1, 0, 1);
    }
    if (xacc_sign(&a) != 0) { /* |sum| beyond ~HPCS_PARTIAL_MAX * DBL_MAX */
        terms[0] = xacc_sign(&p->acc) > 0 ? INFINITY : -INFINITY;
        k = 1;
    }
    *nterms = k;
}

/* Add x * k exactly (k >= 0; a non-finite x counts as one such term). */
HPCS_INLINE void xsum_put_mul(xsum_part *p, double x, int64_t k)
{
    if (k <= 0) return;
    if (isfinite(x)) xacc_add_mul(&p->acc, x, (uint64_t)k, 0, 0);
    else xsum_put(p, x);
}

/* The double nearest to (exact sum of p) / k, k >= 1; IEEE's inf/NaN when
 * a term was not finite. */
HPCS_INLINE double xsum_div(const xsum_part *p, int64_t k)
{
    if (p->nan || p->pinf || p->ninf) return special_sum(p);
    return k == 1 ? xacc_round(&p->acc) : xacc_div(&p->acc, (uint64_t)k);
}

#endif
