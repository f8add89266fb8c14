/* Exponentially weighted mean, variance, std (see ewm_body.h). */
#include <string.h>

#include "hpcs_internal.h"

#define HPCS_BODY "ewm_body.h"
#include "instantiate.h"
