/* Reductions: sum, mean, var, std, min, max (see reduce_body.h). */
#include <stdlib.h>

#include "hpcs_internal.h"

#define HPCS_BODY "reduce_body.h"
#include "instantiate.h"
