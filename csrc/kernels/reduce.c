/* Reductions: sum, mean, var, std, min, max (see reduce_body.h), and the
 * partial sums that combine chunk results exactly (exact.h). */
#include <math.h>
#include <stdlib.h>

#include "hpcs_internal.h"

#define HPCS_BODY "reduce_body.h"
#include "instantiate.h"

/* (exact sum of terms) / divisor, correctly rounded (see hpcs.h). */
HPCS_API hpcs_status hpcs_partials_div(const double *terms, int64_t nterms, int64_t divisor,
                                       double *out)
{
    if (out == NULL || (terms == NULL && nterms > 0)) return HPCS_ERR_NULL;
    if (nterms < 0 || divisor < 0) return HPCS_ERR_ARG;
    if (divisor == 0) {
        *out = NAN;
        return HPCS_OK;
    }
    xsum_part p = {.count = 0.0};
    xacc_init(&p.acc);
    for (int64_t k = 0; k < nterms; k++) {
        const double v = terms[k];
        if (isfinite(v)) xacc_add(&p.acc, v);
        else if (v != v) p.nan = 1;
        else if (v > 0.0) p.pinf = 1;
        else p.ninf = 1;
    }
    if (p.nan || p.pinf || p.ninf) *out = special_sum(&p);
    else *out = divisor == 1 ? xacc_round(&p.acc) : xacc_div(&p.acc, (uint64_t)divisor);
    return HPCS_OK;
}
