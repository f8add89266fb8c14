/*
 * Memory floor probe for tools/benchmarks.py: how fast can this machine
 * read (and write) 10M doubles?  Prints JSON with best-of times in ms:
 *   read_1t, read_2t     sum of n doubles on 1 and 2 threads
 *   rw_fresh             read n + write n into a freshly allocated array (mmap +
 *                        MADV_HUGEPAGE, as numpy allocates large arrays)
 *   rw_prealloc          read n + write n into an already touched array
 * Build: cc -O3 -march=native -pthread floor_probe.c -o floor_probe
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

enum { LANES = 16, REPEAT = 7 };

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

typedef struct {
    const double *x;
    int64_t n;
    double result;
} span;

static void *sum_span(void *arg)
{
    span *s = arg;
    double acc[LANES] = {0};
    int64_t i = 0;
    for (; i + LANES <= s->n; i += LANES)
        for (int l = 0; l < LANES; l++) acc[l] += s->x[i + l];
    for (; i < s->n; i++) acc[0] += s->x[i];
    double t = 0;
    for (int l = 0; l < LANES; l++) t += acc[l];
    s->result = t;
    return NULL;
}

static double read_ms(const double *x, int64_t n, int threads)
{
    double best = 1e30;
    for (int r = 0; r < REPEAT; r++) {
        span parts[2] = {{x, n / threads, 0}, {x + n / threads, n - n / threads, 0}};
        pthread_t tid;
        double t0 = now_ms();
        if (threads == 2) pthread_create(&tid, NULL, sum_span, &parts[1]);
        sum_span(&parts[0]);
        if (threads == 2) pthread_join(tid, NULL);
        double dt = now_ms() - t0;
        if (parts[0].result == 42.0) puts(""); /* keep the work observable */
        if (dt < best) best = dt;
    }
    return best;
}

static double *fresh_array(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    madvise(p, bytes, MADV_HUGEPAGE);
    return p;
}

static double rw_ms(const double *x, int64_t n, double *prealloc)
{
    const size_t bytes = (size_t)n * sizeof(double);
    double best = 1e30;
    for (int r = 0; r < REPEAT; r++) {
        double t0 = now_ms();
        double *out = prealloc ? prealloc : fresh_array(bytes);
        if (out == NULL) return -1;
        for (int64_t i = 0; i < n; i++) out[i] = x[i] * 2.0;
        double dt = now_ms() - t0;
        if (out[n / 2] == 42.0) puts("");
        if (!prealloc) munmap(out, bytes);
        if (dt < best) best = dt;
    }
    return best;
}

int main(int argc, char **argv)
{
    int64_t n = argc > 1 ? atoll(argv[1]) : 10000000;
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    if (x == NULL || y == NULL) return 1;
    for (int64_t i = 0; i < n; i++) x[i] = y[i] = (double)(i % 1000) * 0.001;
    printf("{\"n\": %lld, \"read_1t\": %.3f, \"read_2t\": %.3f, \"rw_fresh\": %.3f, "
           "\"rw_prealloc\": %.3f}\n",
           (long long)n, read_ms(x, n, 1), read_ms(x, n, 2), rw_ms(x, n, NULL), rw_ms(x, n, y));
    free(x);
    free(y);
    return 0;
}
