/* Order statistics of a slice: median, mad, quantile (see select_body.h). */
#include <stdlib.h>
#include <string.h>

#include "hpcs_internal.h"

#define HPCS_BODY "select_body.h"
#include "instantiate.h"
