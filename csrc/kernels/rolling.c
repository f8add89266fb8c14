/* Rolling sum, mean, var, std, min, max (see rolling_body.h). */
#include <stdlib.h>

#include "hpcs_internal.h"

#define HPCS_BODY "rolling_body.h"
#include "instantiate.h"
