/*
 * rolling_order_common.h — what both paths of the rolling median /
 * quantile / MAD (rolling_order_body.h) share, independent of the element
 * type.
 */
#ifndef HPCS_ROLLING_ORDER_COMMON_H
#define HPCS_ROLLING_ORDER_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "hpcs_internal.h"
#include "tuning.h"

/* RO_ROBUST_Z: the MAD, then the output stage ro_robust_z (rolling_robust_zscore). */
typedef enum ro_op { RO_MEDIAN, RO_QUANTILE, RO_MAD, RO_ROBUST_Z } ro_op;

/* rolling_robust_zscore's output stage: (v - median) / spread, where the
 * spread is the scaled MAD; NaN where it is zero or NaN (never inf). */
HPCS_INLINE double ro_robust_z(double v, double median, double spread)
{
    return spread > 0.0 ? (v - median) / spread : NAN;
}

/* hpcs__quantile_pos for the last count seen (the count rarely changes). */
typedef struct ro_qpos {
    int64_t count, lo, hi;
    double frac;
} ro_qpos;

HPCS_INLINE int64_t ro_min(int64_t a, int64_t b) { return a < b ? a : b; }
HPCS_INLINE int64_t ro_max(int64_t a, int64_t b) { return a > b ? a : b; }

#endif /* HPCS_ROLLING_ORDER_COMMON_H */
