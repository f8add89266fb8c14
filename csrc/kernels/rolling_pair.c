/* Rolling covariance, correlation and z-score (see rolling_pair_body.h). */
#include <float.h>
#include <stdlib.h>

#include "hpcs_internal.h"
#include "tuning.h"

#define HPCS_BODY "rolling_pair_body.h"
#include "instantiate.h"
