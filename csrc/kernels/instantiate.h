/* Instantiate the dtype-generic body named by HPCS_BODY (a "<family>_body.h")
 * for float64 (T = double, SFX = f64) and float32 (T = float, SFX = f32). */
#define T double
#define SFX f64
#include HPCS_BODY
#undef T
#undef SFX

#define T float
#define SFX f32
#include HPCS_BODY
#undef T
#undef SFX
#undef HPCS_BODY
