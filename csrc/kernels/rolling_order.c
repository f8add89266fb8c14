/* Rolling order statistics: median, quantile, MAD (see rolling_order_body.h). */
#include <stdlib.h>
#include <string.h>

#include "hpcs_internal.h"

#define T double
#define SFX f64
#include "rolling_order_body.h"
#undef T
#undef SFX

#define T float
#define SFX f32
#include "rolling_order_body.h"
#undef T
#undef SFX
