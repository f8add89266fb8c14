/* Order statistics of a slice: median, mad, quantile (see select_body.h). */
#include <stdlib.h>

#include "hpcs_internal.h"

#define T double
#define SFX f64
#include "select_body.h"
#undef T
#undef SFX

#define T float
#define SFX f32
#include "select_body.h"
#undef T
#undef SFX
