/* Which ISA clone runs: reported here because target_clones picks the clone
 * in an ifunc resolver that cannot be queried.  The checks mirror the order
 * of HPCS_CLONES in hpcs_internal.h (GCC's resolver tests the same
 * __builtin_cpu_supports names for "arch=x86-64-vN"). */
#include "hpcs_internal.h"

static const struct {
    const char *name;
    int32_t width_doubles;
} isa_table[HPCS_ISA_COUNT] = {
    [HPCS_ISA_SCALAR] = {"scalar", 1},
    [HPCS_ISA_SSE2] = {"SSE2", 2},
    [HPCS_ISA_AVX2] = {"AVX2", 4},
    [HPCS_ISA_AVX512] = {"AVX512", 8},
};

HPCS_API const char *hpcs_isa_name(int32_t isa)
{
    if (isa < 0 || isa >= HPCS_ISA_COUNT) return "?";
    return isa_table[isa].name;
}

static uint32_t compiled_mask(void)
{
#if defined(HPCS_FORCE_ISA)
    return 1u << HPCS_FORCE_ISA;
#elif defined(HPCS_HAVE_TARGET_CLONES) && defined(HPCS_HAVE_AVX512_CLONE)
    return (1u << HPCS_ISA_SSE2) | (1u << HPCS_ISA_AVX2) | (1u << HPCS_ISA_AVX512);
#elif defined(HPCS_HAVE_TARGET_CLONES)
    return (1u << HPCS_ISA_SSE2) | (1u << HPCS_ISA_AVX2);
#elif defined(__x86_64__)
    return 1u << HPCS_ISA_SSE2;
#else
    return 1u << HPCS_ISA_SCALAR;
#endif
}

static uint32_t supported_mask(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    uint32_t m = 1u << HPCS_ISA_SSE2;
    if (__builtin_cpu_supports("x86-64-v3")) m |= 1u << HPCS_ISA_AVX2;
    if (__builtin_cpu_supports("x86-64-v4")) m |= 1u << HPCS_ISA_AVX512;
    return m;
#else
    return 1u << HPCS_ISA_SCALAR;
#endif
}

int32_t hpcs__active_isa(void)
{
#if defined(HPCS_FORCE_ISA)
    return HPCS_FORCE_ISA;
#else
    uint32_t usable = compiled_mask() & supported_mask();
    for (int32_t isa = HPCS_ISA_COUNT - 1; isa > 0; isa--)
        if (usable & (1u << isa)) return isa;
    return HPCS_ISA_SCALAR;
#endif
}

HPCS_API hpcs_status hpcs_get_simd_info(hpcs_simd_info *info)
{
    if (info == NULL) return HPCS_ERR_NULL;
    info->active = hpcs__active_isa();
    info->width_doubles = isa_table[info->active].width_doubles;
    info->compiled_mask = compiled_mask();
    info->supported_mask = supported_mask();
    return HPCS_OK;
}
