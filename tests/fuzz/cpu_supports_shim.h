/*
 * Force-included (-include) by tools/run_fuzz.sh when clang is older than 16:
 * csrc/isa.c asks __builtin_cpu_supports("x86-64-v3"/"x86-64-v4"), level
 * names that only GCC and clang >= 16 accept.  Map them to the features of
 * each level (approximately: enough for hpcs_get_simd_info's report, which
 * the fuzzer does not check).  The library sources are not changed.
 */
#ifndef HPCS_FUZZ_CPU_SUPPORTS_SHIM_H
#define HPCS_FUZZ_CPU_SUPPORTS_SHIM_H
/* No #include: this is seen before the sources' own feature macros
 * (threads.c defines _GNU_SOURCE). */

static inline int hpcs_fuzz_streq(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

static inline int hpcs_fuzz_cpu_supports(const char *level)
{
    if (hpcs_fuzz_streq(level, "x86-64-v3"))
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
               __builtin_cpu_supports("bmi2");
    if (hpcs_fuzz_streq(level, "x86-64-v4"))
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vl");
    return 0;
}
#define __builtin_cpu_supports(feature) hpcs_fuzz_cpu_supports(feature)
#endif
