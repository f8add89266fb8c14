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

typedef enum ro_op { RO_MEDIAN, RO_QUANTILE, RO_MAD } ro_op;

/* hpcs__quantile_pos for the last count seen (the count rarely changes). */
typedef struct ro_qpos {
    int64_t count, lo, hi;
    double frac;
} ro_qpos;

HPCS_INLINE int64_t ro_min(int64_t a, int64_t b) { return a < b ? a : b; }
HPCS_INLINE int64_t ro_max(int64_t a, int64_t b) { return a > b ? a : b; }

#endif /* HPCS_ROLLING_ORDER_COMMON_H */
