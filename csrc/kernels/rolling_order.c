/* Rolling order statistics: median, quantile, MAD (see rolling_order_body.h). */
#include <stdlib.h>
#include <string.h>

#include "hpcs_internal.h"

#define HPCS_BODY "rolling_order_body.h"
#include "instantiate.h"
