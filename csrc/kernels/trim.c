/* Robust means: trimmed_mean, winsorized_mean (see trim_body.h). */
#include <stdlib.h>

#include "hpcs_internal.h"
#include "exact.h"

#define HPCS_BODY "trim_body.h"
#include "instantiate.h"
