/* Transforms: zscore, robust_zscore, normalize_minmax, clip, diff (see transform_body.h). */
#include <stdlib.h>
#include <string.h>

#include "hpcs_internal.h"

#define HPCS_BODY "transform_body.h"
#include "instantiate.h"
