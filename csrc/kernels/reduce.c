/* Reductions: sum, mean, var, std, min, max (see reduce_body.h), and the
 * partial sums that combine chunk results exactly (exact.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "hpcs_internal.h"

#define HPCS_BODY "reduce_body.h"
#include "instantiate.h"

#include "isa_observe.h"
HPCS_OBSERVE_CLONES(sum_1d_f64)

/* (exact sum of terms + sum of x[i] * k[i]) / divisor, correctly rounded
 * (see hpcs.h). */
HPCS_API hpcs_status hpcs_partials_muldiv(const double *terms, int64_t nterms, const double *x,
                                          const int64_t *k, int64_t nx, int64_t divisor,
                                          double *out)
{
    if (out == NULL || (terms == NULL && nterms > 0) || ((x == NULL || k == NULL) && nx > 0))
        return HPCS_ERR_NULL;
    if (nterms < 0 || nx < 0 || divisor < 0) return HPCS_ERR_ARG;
    for (int64_t i = 0; i < nx; i++)
        if (k[i] < 0) return HPCS_ERR_ARG;
    if (divisor == 0) {
        *out = NAN;
        return HPCS_OK;
    }
    xsum_part p = {.count = 0.0};
    xacc_init(&p.acc);
    for (int64_t i = 0; i < nterms; i++) xsum_put(&p, terms[i]);
    for (int64_t i = 0; i < nx; i++) xsum_put_mul(&p, x[i], k[i]);
    *out = xsum_div(&p, divisor);
    return HPCS_OK;
}

HPCS_API hpcs_status hpcs_partials_div(const double *terms, int64_t nterms, int64_t divisor,
                                       double *out)
{
    return hpcs_partials_muldiv(terms, nterms, NULL, NULL, 0, divisor, out);
}
