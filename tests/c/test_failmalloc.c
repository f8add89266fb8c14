/*
 * Run under LD_PRELOAD=libfailmalloc.so (tests/c/meson.build does): the shim
 * fails the first allocation of libhpcs_core made after arming, the library
 * must report HPCS_ERR_NOMEM without touching the output, and succeed again
 * once the shim is disarmed.  Prints "N passed, M failed"; exit status 0 =
 * all passed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include "hpcs.h"

#define N 100000

static double x[N];

int main(void)
{
    int (*scope)(const char *) = (int (*)(const char *))dlsym(RTLD_DEFAULT, "failmalloc_scope");
    void (*arm)(size_t, long) = (void (*)(size_t, long))dlsym(RTLD_DEFAULT, "failmalloc_arm");
    void (*disarm)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "failmalloc_disarm");
    long (*failed)(void) = (long (*)(void))dlsym(RTLD_DEFAULT, "failmalloc_failed");
    if (scope == NULL || arm == NULL || disarm == NULL || failed == NULL) {
        fprintf(stderr, "test_failmalloc: run with LD_PRELOAD=libfailmalloc.so\n");
        return 1;
    }
    for (int i = 0; i < N; i++) x[i] = (double)((i * 7919) % N);
    if (scope("hpcs_core") <= 0) {
        fprintf(stderr, "test_failmalloc: libhpcs_core not among the loaded objects\n");
        return 1;
    }
    double out = -1.0;
    arm(0, 0); /* the first allocation of libhpcs_core fails */
    hpcs_status st = hpcs_median_f64(x, 1, N, 1, 0, &out);
    long nfailed = failed();
    disarm();
    int failed_checks = 0;
    if (st != HPCS_ERR_NOMEM || nfailed != 1 || out != -1.0) {
        fprintf(stderr, "armed: status %d (want %d), %ld failed allocations (want 1), out %g\n",
                (int)st, (int)HPCS_ERR_NOMEM, nfailed, out);
        failed_checks++;
    }
    st = hpcs_median_f64(x, 1, N, 1, 0, &out);
    if (st != HPCS_OK || out != (double)(N / 2 - 1) + 0.5) {
        fprintf(stderr, "disarmed: status %d, median %.17g\n", (int)st, out);
        failed_checks++;
    }
    printf("test_failmalloc: %d passed, %d failed\n", 2 - failed_checks, failed_checks);
    return failed_checks == 0 ? 0 : 1;
}
