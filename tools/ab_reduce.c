/*
 * Two builds of libhpcs_core side by side: the reductions of each timed in
 * alternation, in one process, on the same data (best of R rounds), so a
 * change's cost is measured against the build before it rather than against
 * a different moment of a noisy machine.
 *
 *   cc -O2 -o ab_reduce tools/ab_reduce.c -ldl
 *   ./ab_reduce OLD/libhpcs_core.so NEW/libhpcs_core.so [n] [rounds] [threads]
 *
 * Prints, per operation and data kind, the best time of each build (us a
 * call) and the ratio new / old, and fails if the builds' results differ.  Data: N(0, 1) ("normal"), 1e9 + N(0, 1) ("offset") and
 * tile([1e16, 1, -1e16]) ("cancel").
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*reduce_fn)(const double *, int64_t, int64_t, int64_t, const uint8_t *, uint32_t,
                         double *);
typedef int (*ddof_fn)(const double *, int64_t, int64_t, int64_t, const uint8_t *, int64_t,
                       uint32_t, double *);
typedef int (*threads_fn)(int64_t);

typedef struct lib {
    reduce_fn sum, mean, min, max;
    ddof_fn var;
} lib;

static void *need(void *h, const char *name)
{
    void *p = dlsym(h, name);
    if (p == NULL) {
        fprintf(stderr, "%s: %s\n", name, dlerror());
        exit(2);
    }
    return p;
}

static lib open_lib(const char *path, int64_t threads)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        fprintf(stderr, "%s\n", dlerror());
        exit(2);
    }
    if (((threads_fn)need(h, "hpcs_set_num_threads"))(threads) != 0) exit(2);
    return (lib){.sum = (reduce_fn)need(h, "hpcs_sum_f64"),
                 .mean = (reduce_fn)need(h, "hpcs_mean_f64"),
                 .min = (reduce_fn)need(h, "hpcs_min_f64"),
                 .max = (reduce_fn)need(h, "hpcs_max_f64"),
                 .var = (ddof_fn)need(h, "hpcs_var_f64")};
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* One call's time in seconds (op 0 sum, 1 mean, 2 var, 3 min, 4 max), the
 * mean of reps back-to-back calls (small n: one call is too short to time). */
static double time_op(const lib *l, int op, const double *x, int64_t n, int reps, double *out)
{
    const double t0 = now();
    int rc = 0;
    for (int r = 0; r < reps; r++)
        rc |= op == 0   ? l->sum(x, 1, n, 1, NULL, 0, out)
              : op == 1 ? l->mean(x, 1, n, 1, NULL, 0, out)
              : op == 2 ? l->var(x, 1, n, 1, NULL, 0, 0, out)
              : op == 3 ? l->min(x, 1, n, 1, NULL, 0, out)
                        : l->max(x, 1, n, 1, NULL, 0, out);
    const double t = (now() - t0) / reps;
    if (rc != 0) exit(3);
    return t;
}

/* xorshift64* and Box-Muller: the data need not be high quality. */
static uint64_t rng_state = 88172645463325252ull;
static double uniform(void)
{
    rng_state ^= rng_state >> 12, rng_state ^= rng_state << 25, rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) * 0x1p-53;
}
static double normal(void)
{
    return sqrt(-2.0 * log(uniform() + 0x1p-60)) * cos(6.283185307179586 * uniform());
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s OLD.so NEW.so [n] [rounds] [threads]\n", argv[0]);
        return 2;
    }
    const int64_t n = argc > 3 ? atoll(argv[3]) : 10000000;
    const int rounds = argc > 4 ? atoi(argv[4]) : 21;
    const int64_t threads = argc > 5 ? atoll(argv[5]) : 0;
    lib libs[2] = {open_lib(argv[1], threads), open_lib(argv[2], threads)};
    double *x = malloc((size_t)n * sizeof *x);
    if (x == NULL) return 2;
    static const char *kinds[] = {"normal", "offset", "cancel"};
    static const char *ops[] = {"sum", "mean", "var", "min", "max"};
    const int reps = n < 100000 ? (int)(100000 / (n > 0 ? n : 1)) : 1;
    printf("n=%lld rounds=%d threads=%lld\n%-6s %-7s %10s %10s %7s\n", (long long)n, rounds,
           (long long)threads, "op", "data", "old us", "new us", "new/old");
    for (int kind = 0; kind < 3; kind++) {
        static const double cancel[3] = {1e16, 1.0, -1e16};
        for (int64_t i = 0; i < n; i++)
            x[i] = kind == 0 ? normal() : kind == 1 ? 1e9 + normal() : cancel[i % 3];
        for (int op = 0; op < 5; op++) {
            double best[2] = {INFINITY, INFINITY}, out[2];
            for (int r = 0; r < rounds; r++)
                for (int k = 0; k < 2; k++) { /* alternate: old, new, new, old, ... */
                    const int which = (r & 1) ? 1 - k : k;
                    const double t = time_op(&libs[which], op, x, n, reps, &out[which]);
                    if (t < best[which]) best[which] = t;
                }
            if (memcmp(&out[0], &out[1], sizeof out[0]) != 0) {
                fprintf(stderr, "%s %s: the builds differ (%a, %a)\n", ops[op], kinds[kind],
                        out[0], out[1]);
                return 4;
            }
            printf("%-6s %-7s %10.2f %10.2f %7.2f\n", ops[op], kinds[kind], best[0] * 1e6,
                   best[1] * 1e6, best[1] / best[0]);
        }
    }
    free(x);
    return 0;
}
