/* Grouped reductions: group_sum, mean, var, std, min, max, count (see group_body.h). */
#include <stdlib.h>

#include "hpcs_internal.h"

#define HPCS_BODY "group_body.h"
#include "instantiate.h"
