/* Rolling sum, mean, var, std, min, max (see rolling_body.h). */
#include <stdlib.h>

#include "hpcs_internal.h"

#define T double
#define SFX f64
#include "rolling_body.h"
#undef T
#undef SFX

#define T float
#define SFX f32
#include "rolling_body.h"
#undef T
#undef SFX
