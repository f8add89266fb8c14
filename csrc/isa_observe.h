/*
 * isa_observe.h — how isa.c observes which clone the loader chose.
 *
 * target_clones makes a kernel `fn` an ifunc: the dynamic loader runs
 * fn.resolver once and stores the chosen clone (fn.default,
 * fn.arch_x86_64_v3, fn.arch_x86_64_v4) in a GOT slot, through which every
 * call of fn jumps.  HPCS_OBSERVE_CLONES(fn), placed in the file that defines
 * fn (its clones are local symbols, visible only there, and invisible to
 * dladdr under -fvisibility=hidden), defines hpcs__observe_<fn>(), which
 * reads that slot and the address of each clone (asm labels name them), so
 * isa.c reports the clone actually resolved rather than re-deriving it.
 */
#ifndef HPCS_ISA_OBSERVE_H
#define HPCS_ISA_OBSERVE_H

#include "hpcs_internal.h"

typedef struct hpcs__clone_addrs {
    const void *resolved;                /* the loader's choice; NULL: nothing to observe */
    const void *clone[HPCS_ISA_COUNT];   /* each clone's entry, NULL if not built */
    const char *name[HPCS_ISA_COUNT];    /* its symbol name */
} hpcs__clone_addrs;

/* The kernel isa.c observes (defined in kernels/reduce.c). */
void hpcs__observe_sum_1d_f64(hpcs__clone_addrs *c);

#if defined(__x86_64__) && defined(HPCS_HAVE_TARGET_CLONES) && !defined(HPCS_FORCE_TARGET)
/* GCC names the clones <fn>.default / <fn>.arch_x86_64_v3 / …_v4 (the
 * checker tools/check_clones.py relies on the same names); a rename breaks
 * the link (undefined symbol), not the report. */
#define HPCS_CLONE_LABEL_(fn, isa, suffix)                                                         \
    extern const char hpcs__clone_##fn##_##isa[] __asm__(#fn "." suffix)                           \
        __attribute__((visibility("hidden")))
#if defined(HPCS_HAVE_AVX512_CLONE)
#define HPCS_CLONE_V4_(fn)                                                                         \
    c->clone[HPCS_ISA_AVX512] = hpcs__clone_##fn##_v4;                                             \
    c->name[HPCS_ISA_AVX512] = #fn ".arch_x86_64_v4"
#define HPCS_CLONE_V4_LABEL_(fn) HPCS_CLONE_LABEL_(fn, v4, "arch_x86_64_v4")
#else
#define HPCS_CLONE_V4_(fn) (void)0
#define HPCS_CLONE_V4_LABEL_(fn) extern const char hpcs__clone_##fn##_v4[]
#endif
#define HPCS_OBSERVE_CLONES(fn)                                                                    \
    HPCS_CLONE_LABEL_(fn, default, "default");                                                     \
    HPCS_CLONE_LABEL_(fn, v3, "arch_x86_64_v3");                                                   \
    HPCS_CLONE_V4_LABEL_(fn);                                                                      \
    void hpcs__observe_##fn(hpcs__clone_addrs *c)                                                  \
    {                                                                                              \
        *c = (hpcs__clone_addrs){0};                                                               \
        /* The GOT slot, not &fn: a local ifunc's address is its PLT stub. */                     \
        __asm__("movq " #fn "@GOTPCREL(%%rip), %0" : "=r"(c->resolved));                         \
        c->clone[HPCS_ISA_SSE2] = hpcs__clone_##fn##_default;                                      \
        c->name[HPCS_ISA_SSE2] = #fn ".default";                                                   \
        c->clone[HPCS_ISA_AVX2] = hpcs__clone_##fn##_v3;                                           \
        c->name[HPCS_ISA_AVX2] = #fn ".arch_x86_64_v3";                                            \
        HPCS_CLONE_V4_(fn);                                                                        \
    }
#else
/* One implementation (no clones): nothing for the loader to choose. */
#define HPCS_OBSERVE_CLONES(fn)                                                                    \
    void hpcs__observe_##fn(hpcs__clone_addrs *c) { *c = (hpcs__clone_addrs){0}; }
#endif

#endif
