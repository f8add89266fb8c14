/* Cumulative scans: cummin, cummax, ffill, bfill (see cumulative_body.h). */
#include <stdlib.h>
#include <string.h>

#include "hpcs_internal.h"

#define HPCS_BODY "cumulative_body.h"
#include "instantiate.h"
