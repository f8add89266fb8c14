/* Reductions: sum, mean, var, std, min, max (see reduce_body.h). */
#include <stdlib.h>

#include "hpcs_internal.h"

#define HPCS_BODY "reduce_body.h"
#include "instantiate.h"

#include "isa_observe.h"
HPCS_OBSERVE_CLONES(sum_1d_f64)
