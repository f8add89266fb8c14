/* Which ISA clone runs.  Observed: the loader's resolution of a kernel's
 * ifunc is compared with the address of each of its clones (isa_observe.h).
 * Inferred, as a cross-check: the order of HPCS_CLONES in hpcs_internal.h
 * (GCC's resolver tests the same __builtin_cpu_supports names for
 * "arch=x86-64-vN"); the tests require the two to agree. */
#include "hpcs_internal.h"
#include "isa_observe.h"

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

/* The clone the dynamic loader resolved for sum_1d_f64, or -1 if the
 * resolved address is none of its clones (never expected). */
static int32_t observed_isa(const char **symbol)
{
    hpcs__clone_addrs c;
    hpcs__observe_sum_1d_f64(&c);
    *symbol = "";
    if (c.resolved == NULL) {
        /* A single implementation: the one compiled in. */
        uint32_t m = compiled_mask();
        for (int32_t isa = 0; isa < HPCS_ISA_COUNT; isa++)
            if (m == 1u << isa) return isa;
        return -1;
    }
    for (int32_t isa = 0; isa < HPCS_ISA_COUNT; isa++)
        if (c.clone[isa] != NULL && c.clone[isa] == c.resolved) {
            *symbol = c.name[isa];
            return isa;
        }
    return -1;
}

/* What GCC's resolver order predicts from the CPU's features. */
static int32_t inferred_isa(void)
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

int32_t hpcs__active_isa(void)
{
    const char *symbol;
    int32_t isa = observed_isa(&symbol);
    return isa >= 0 ? isa : inferred_isa();
}

HPCS_API hpcs_status hpcs_get_simd_info(hpcs_simd_info *info)
{
    if (info == NULL) return HPCS_ERR_NULL;
    const char *symbol;
    int32_t observed = observed_isa(&symbol);
    info->inferred = inferred_isa();
    info->observed = observed >= 0;
    info->active = observed >= 0 ? observed : info->inferred;
    info->clone_symbol = symbol;
    info->width_doubles = isa_table[info->active].width_doubles;
    info->compiled_mask = compiled_mask();
    info->supported_mask = supported_mask();
    return HPCS_OK;
}
