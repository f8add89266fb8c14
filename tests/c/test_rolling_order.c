/*
 * Tests of hpcs_rolling_{median,quantile,mad}_{f64,f32} against a brute-force
 * reference (the window's valid values kept sorted, statistics read off them).  Results must
 * match bit for bit: the reference does the same double arithmetic.
 *
 *   test_rolling_order          run the tests, print "N passed, M failed" and a
 *                               checksum of every output (compare across ISA builds)
 *   test_rolling_order bench [W...]   timings at n = 10,000,000 (f64), windows W
 *                               (default 10 100 10000)
 *
 * Built and run by Meson with -Dtests=true (tests/c/meson.build):
 *   tools/run_ctests.sh     or     meson setup build -Dtests=true && meson test -C build
 * The binary is build/tests/c/test_rolling_order (for `bench`).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hpcs.h"

typedef enum op_kind { OP_MEDIAN, OP_QUANTILE, OP_MAD } op_kind;

typedef struct op_spec {
    op_kind kind;
    double q;       /* quantile */
    int32_t method; /* quantile */
    double scale;   /* mad */
} op_spec;

static int64_t g_passed, g_failed;
static uint64_t g_checksum = 1469598103934665603ULL; /* FNV-1a over output bits */

static void checksum_bytes(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) g_checksum = (g_checksum ^ b[i]) * 1099511628211ULL;
}

/* ---- random data ----------------------------------------------------------- */

static uint64_t g_rng = 88172645463325252ULL;

static uint64_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

static double unif(void) { return (double)(rnd() >> 11) * 0x1.0p-53; }

static double normal(void)
{
    double u = unif() + 1e-300, v = unif();
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

typedef enum data_kind {
    DATA_NORMAL,  /* N(0,1), a few NaN */
    DATA_SPECIAL, /* NaN, +-inf, ties */
    DATA_TIES,    /* integers 0..3 */
    DATA_QUARTERS,/* 1, 1.25, 1.5, 1.75: keys differing in one byte only */
    DATA_NAN_RUNS,/* long all-NaN stretches */
    DATA_BIMODAL, /* two clusters alternating in blocks: MAD run jumps */
    DATA_COUNT
} data_kind;

static void fill(double *x, int64_t n, data_kind kind, int64_t block)
{
    for (int64_t i = 0; i < n; i++) {
        double v = normal();
        switch (kind) {
        case DATA_NORMAL:
            if (rnd() % 20 == 0) v = NAN;
            break;
        case DATA_SPECIAL: {
            uint64_t r = rnd() % 12;
            if (r == 0) v = NAN;
            else if (r == 1) v = INFINITY;
            else if (r == 2) v = -INFINITY;
            else if (r < 6) v = (double)(rnd() % 3);
            break;
        }
        case DATA_TIES:
            v = (double)(rnd() % 4);
            if (rnd() % 30 == 0) v = NAN;
            break;
        case DATA_QUARTERS:
            v = 1.0 + 0.25 * (double)(rnd() % 4);
            break;
        case DATA_NAN_RUNS:
            if ((i / (block + 7)) % 3 == 1) v = NAN;
            break;
        case DATA_BIMODAL:
            v = ((i / (block / 2 + 1)) % 2 ? 100.0 : 0.0) + 0.01 * v;
            if (rnd() % 2 == 0) v = 100.0 - v; /* both clusters present everywhere */
            break;
        default: break;
        }
        x[i] = v;
    }
}

/* ---- reference --------------------------------------------------------------- */

/* numpy median of sorted non-NaN s[0..c) (c >= 1). */
static double ref_median_sorted(const double *s, int64_t c)
{
    return c % 2 ? s[c / 2] : (s[c / 2 - 1] + s[c / 2]) / 2.0;
}

/* numpy _lerp plus hpcs's exact-ends rule (a == b gives a). */
static double ref_lerp(double a, double b, double t)
{
    if (a == b) return a;
    double d = b - a;
    return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

/* numpy.quantile(method) of sorted s[0..c), written from numpy's definitions.
 * (Like hpcs, midpoint at an exact index returns that value.) */
static double ref_quantile_sorted(const double *s, int64_t c, double q, int32_t method)
{
    double vi = q * (double)(c - 1);
    int64_t lo = (int64_t)floor(vi), hi = (int64_t)ceil(vi);
    if (hi > c - 1) hi = c - 1;
    if (lo > c - 1) lo = c - 1;
    switch (method) {
    case HPCS_Q_LOWER: return s[lo];
    case HPCS_Q_HIGHER: return s[hi];
    case HPCS_Q_NEAREST: return s[(int64_t)nearbyint(vi)];
    case HPCS_Q_MIDPOINT: return lo == hi ? s[lo] : ref_lerp(s[lo], s[hi], 0.5);
    default: {
        int64_t next = lo + 1 < c ? lo + 1 : lo;
        return ref_lerp(s[lo], s[next], vi - (double)lo);
    }
    }
}

/* Deviations |s[k] - m| of sorted s[0..c) in ascending order: the values
 * below m walked downwards merged with those from m upwards. */
static void ref_sorted_devs(const double *s, int64_t c, double m, double *dev)
{
    int64_t split = 0;
    while (split < c && s[split] < m) split++;
    int64_t lo = split - 1, hi = split, k = 0;
    while (lo >= 0 || hi < c) {
        if (hi >= c || (lo >= 0 && m - s[lo] <= s[hi] - m)) dev[k++] = fabs(s[lo--] - m);
        else dev[k++] = fabs(s[hi++] - m);
    }
}

static double ref_stat(const double *s, int64_t c, const op_spec *op, double *dev)
{
    if (op->kind == OP_MEDIAN) return ref_median_sorted(s, c);
    if (op->kind == OP_QUANTILE) return ref_quantile_sorted(s, c, op->q, op->method);
    double m = ref_median_sorted(s, c);
    for (int64_t k = 0; k < c; k++)
        if (fabs(s[k] - m) != fabs(s[k] - m)) return NAN; /* numpy's median propagates NaN */
    if (!isfinite(m)) return INFINITY * op->scale;    /* every deviation is inf */
    ref_sorted_devs(s, c, m, dev);
    return ref_median_sorted(dev, c) * op->scale;
}

/* Brute-force rolling op of the 1-D series x (values in double): the
 * window's valid values are kept sorted in buf by insertion and removal. */
static void ref_rolling(const double *x, int64_t n, int64_t window, int64_t min_periods, int center,
                        const op_spec *op, double *out, double *buf, double *dev)
{
    const int64_t offset = center ? (window - 1) / 2 : 0;
    int64_t c = 0, next_in = 0, next_out = 0;
    for (int64_t i = 0; i < n; i++) {
        const int64_t e = i + offset, b = e - window + 1; /* window [b, e] */
        for (; next_in <= e && next_in < n; next_in++) {
            const double v = x[next_in];
            if (v != v) continue;
            int64_t k = c++;
            for (; k > 0 && buf[k - 1] > v; k--) buf[k] = buf[k - 1];
            buf[k] = v;
        }
        for (; next_out < b && next_out < next_in; next_out++) {
            const double v = x[next_out];
            if (v != v) continue;
            int64_t k = 0;
            while (buf[k] != v) k++;
            memmove(buf + k, buf + k + 1, sizeof *buf * (size_t)(c - k - 1));
            c--;
        }
        out[i] = c < min_periods ? NAN : ref_stat(buf, c, op, dev);
    }
}

/* ---- calling the library ----------------------------------------------------- */

static hpcs_status call_f64(const op_spec *op, const double *x, int64_t outer, int64_t n,
                            int64_t inner, int64_t w, int64_t mp, uint32_t fl, double *out)
{
    switch (op->kind) {
    case OP_MEDIAN: return hpcs_rolling_median_f64(x, outer, n, inner, w, mp, fl, out);
    case OP_QUANTILE:
        return hpcs_rolling_quantile_f64(x, outer, n, inner, w, mp, op->q, op->method, fl, out);
    default: return hpcs_rolling_mad_f64(x, outer, n, inner, w, mp, op->scale, fl, out);
    }
}

static hpcs_status call_f32(const op_spec *op, const float *x, int64_t outer, int64_t n,
                            int64_t inner, int64_t w, int64_t mp, uint32_t fl, float *out)
{
    switch (op->kind) {
    case OP_MEDIAN: return hpcs_rolling_median_f32(x, outer, n, inner, w, mp, fl, out);
    case OP_QUANTILE:
        return hpcs_rolling_quantile_f32(x, outer, n, inner, w, mp, op->q, op->method, fl, out);
    default: return hpcs_rolling_mad_f32(x, outer, n, inner, w, mp, op->scale, fl, out);
    }
}

static int same(double a, double b) { return (a != a && b != b) || memcmp(&a, &b, sizeof a) == 0 || (a == b && a == 0.0); }

static void check(int ok, const char *what)
{
    if (ok) {
        g_passed++;
    } else {
        g_failed++;
        if (g_failed <= 20) printf("FAIL: %s\n", what);
    }
}

static void describe(char *buf, size_t len, const char *dtype, const op_spec *op, int64_t n,
                     int64_t w, int64_t mp, int center, int data, int64_t at, double got,
                     double want)
{
    snprintf(buf, len,
             "%s op=%d q=%g method=%d n=%lld w=%lld mp=%lld center=%d data=%d at %lld: got %.17g "
             "want %.17g",
             dtype, (int)op->kind, op->q, op->method, (long long)n, (long long)w, (long long)mp,
             center, data, (long long)at, got, want);
}

/* One 1-D case in both dtypes, plus the (outer, n, inner) layout: the
 * series repeated in 3 x 2 slices along the middle axis, one slice shifted. */
static void run_case(const double *x, int64_t n, int64_t w, int64_t mp, int center,
                     const op_spec *op, int data, int with_layout)
{
    const uint32_t fl = center ? HPCS_CENTER : 0;
    const int64_t nn = n > 0 ? n : 1;
    double *want = malloc(sizeof(double) * nn), *got = malloc(sizeof(double) * nn);
    double *buf = malloc(sizeof(double) * nn), *dev = malloc(sizeof(double) * nn);
    double *x32 = malloc(sizeof(double) * nn), *want32 = malloc(sizeof(double) * nn);
    float *xf = malloc(sizeof(float) * nn), *gotf = malloc(sizeof(float) * nn);
    char msg[512];
    if (!want || !got || !buf || !dev || !x32 || !want32 || !xf || !gotf) {
        check(0, "harness out of memory");
        goto done;
    }
    for (int64_t i = 0; i < n; i++) {
        xf[i] = (float)x[i];
        x32[i] = (double)xf[i];
    }

    /* f64 */
    ref_rolling(x, n, w, mp, center, op, want, buf, dev);
    hpcs_status st = call_f64(op, x, 1, n, 1, w, mp, fl, got);
    int ok = st == HPCS_OK;
    int64_t bad = -1;
    for (int64_t i = 0; ok && i < n; i++)
        if (!same(got[i], want[i])) { ok = 0; bad = i; }
    describe(msg, sizeof msg, "f64", op, n, w, mp, center, data, bad, bad >= 0 ? got[bad] : st,
             bad >= 0 ? want[bad] : 0);
    check(ok, msg);
    checksum_bytes(got, sizeof(double) * (size_t)n);

    /* f32: the same reference on the float values, rounded once */
    ref_rolling(x32, n, w, mp, center, op, want32, buf, dev);
    st = call_f32(op, xf, 1, n, 1, w, mp, fl, gotf);
    ok = st == HPCS_OK;
    bad = -1;
    for (int64_t i = 0; ok && i < n; i++)
        if (!same(gotf[i], (float)want32[i])) { ok = 0; bad = i; }
    describe(msg, sizeof msg, "f32", op, n, w, mp, center, data, bad, bad >= 0 ? gotf[bad] : st,
             bad >= 0 ? (float)want32[bad] : 0);
    check(ok, msg);
    checksum_bytes(gotf, sizeof(float) * (size_t)n);

    if (with_layout) {
        /* (outer=3, n, inner=2): slice (o, j) holds x shifted by o + j. */
        const int64_t outer = 3, inner = 2, total = outer * n * inner;
        double *lx = malloc(sizeof(double) * (total + 1)), *lo = malloc(sizeof(double) * (total + 1));
        double *col = malloc(sizeof(double) * nn);
        if (!lx || !lo || !col) {
            check(0, "harness out of memory");
        } else {
            for (int64_t o = 0; o < outer; o++)
                for (int64_t i = 0; i < n; i++)
                    for (int64_t j = 0; j < inner; j++)
                        lx[(o * n + i) * inner + j] = x[(i + o + j) % n];
            st = call_f64(op, lx, outer, n, inner, w, mp, fl, lo);
            ok = st == HPCS_OK;
            for (int64_t o = 0; ok && o < outer; o++)
                for (int64_t j = 0; ok && j < inner; j++) {
                    for (int64_t i = 0; i < n; i++) col[i] = x[(i + o + j) % n];
                    ref_rolling(col, n, w, mp, center, op, want, buf, dev);
                    for (int64_t i = 0; ok && i < n; i++)
                        if (!same(lo[(o * n + i) * inner + j], want[i])) ok = 0;
                }
            describe(msg, sizeof msg, "layout", op, n, w, mp, center, data, -1, st, 0);
            check(ok, msg);
            checksum_bytes(lo, sizeof(double) * (size_t)total);
        }
        free(lx);
        free(lo);
        free(col);
    }
done:
    free(want);
    free(got);
    free(buf);
    free(dev);
    free(x32);
    free(want32);
    free(xf);
    free(gotf);
}

static const double g_qs[] = {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0};
enum { NQS = sizeof g_qs / sizeof g_qs[0] };

static op_spec random_op(void)
{
    op_spec op = {.kind = (op_kind)(rnd() % 3), .scale = 1.0};
    if (op.kind == OP_QUANTILE) {
        op.q = g_qs[rnd() % NQS];
        op.method = (int32_t)(rnd() % HPCS_Q_METHOD_COUNT);
    }
    if (op.kind == OP_MAD && rnd() % 2) op.scale = 1.482602218505602;
    return op;
}

static void test_grid(void)
{
    static const int64_t sizes[] = {0, 1, 2, 3, 5, 17, 64, 65, 130, 257};
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
        const int64_t n = sizes[si];
        const int64_t windows[] = {1, 2, 3, 4, 7, 63, 64, 65, n, n + 1, 2 * n + 3, (int64_t)1 << 40};
        double *x = malloc(sizeof(double) * (n + 1));
        if (!x) {
            check(0, "harness out of memory");
            return;
        }
        for (int data = 0; data < DATA_COUNT; data++) {
            for (size_t wi = 0; wi < sizeof windows / sizeof *windows; wi++) {
                const int64_t w = windows[wi] < 1 ? 1 : windows[wi];
                fill(x, n, (data_kind)data, w < n ? w : n);
                const int64_t mps[] = {1, (w + 1) / 2, w};
                for (int mi = 0; mi < 3; mi++)
                    for (int center = 0; center < 2; center++) {
                        if (w > 4 * n + 8 && mi > 0) continue; /* all-NaN output: covered */
                        const op_spec ops[] = {{OP_MEDIAN, 0, 0, 1.0},
                                               {OP_MAD, 0, 0, 1.0},
                                               random_op(), random_op()};
                        for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
                            run_case(x, n, w, mps[mi], center, &ops[k], data, n > 0 && k == 0);
                    }
            }
        }
        free(x);
    }
}

/* Every q x method on small series with specials and ties. */
static void test_quantile_methods(void)
{
    double x[40];
    for (int rep = 0; rep < 4; rep++) {
        fill(x, 40, rep % 2 ? DATA_SPECIAL : DATA_TIES, 5);
        for (int w = 1; w <= 9; w += 4)
            for (size_t qi = 0; qi < NQS; qi++)
                for (int32_t m = 0; m < HPCS_Q_METHOD_COUNT; m++) {
                    op_spec op = {OP_QUANTILE, g_qs[qi], m, 1.0};
                    run_case(x, 40, w, 1, rep / 2, &op, rep, 0);
                }
    }
}

/* Larger windows (both sides of the sorted-array / rank-set switch at 160),
 * heavy ties, NaN stretches, bimodal MAD. */
static void test_large(void)
{
    const int64_t n = 5000;
    double *x = malloc(sizeof(double) * n);
    if (!x) {
        check(0, "harness out of memory");
        return;
    }
    const int64_t windows[] = {100, 160, 161, 1000, 4999, 7000};
    for (int data = 0; data < DATA_COUNT; data++)
        for (size_t wi = 0; wi < sizeof windows / sizeof *windows; wi++) {
            const int64_t w = windows[wi];
            fill(x, n, (data_kind)data, w);
            const op_spec ops[] = {{OP_MEDIAN, 0, 0, 1.0},
                                   {OP_MAD, 0, 0, 1.482602218505602},
                                   {OP_QUANTILE, 0.25, HPCS_Q_LINEAR, 1.0},
                                   random_op()};
            for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
                run_case(x, n, w, 1 + (int64_t)(rnd() % (uint64_t)w), (int)(rnd() % 2), &ops[k],
                         data, 0);
        }
    free(x);
}

/* Windows holding one or two valid values amid ~8000 ranks of the merged
 * chunks: neighbour searches cross long empty stretches of the rank set. */
static void test_sparse(void)
{
    const int64_t n = 24000, w = 8000;
    double *x = malloc(sizeof(double) * n);
    if (!x) {
        check(0, "harness out of memory");
        return;
    }
    fill(x, n, DATA_NORMAL, w);
    for (int64_t i = 12000; i < 20000; i++) x[i] = NAN;
    x[14000] = 0.5;
    x[18000] = -0.25;
    const op_spec ops[] = {{OP_MEDIAN, 0, 0, 1.0}, {OP_MAD, 0, 0, 1.0},
                           {OP_QUANTILE, 0.9, HPCS_Q_LINEAR, 1.0}};
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
        for (int center = 0; center < 2; center++) run_case(x, n, w, 1, center, &ops[k], -1, 0);
    free(x);
}

/* A window of 32 769 over 65 538 valid values: more rank groups than
 * RO_FLAT_GROUPS, so the rank set counts its groups in the Fenwick tree
 * (smaller windows use plain counts).  Ties (0..7) and spread (normal). */
static void test_tree(void)
{
    const int64_t n = 66000, w = 32769;
    double *x = malloc(sizeof(double) * n);
    if (!x) {
        check(0, "harness out of memory");
        return;
    }
    for (int64_t i = 0; i < n; i++) x[i] = rnd() % 2 ? (double)(rnd() % 8) : normal();
    const op_spec ops[] = {{OP_MEDIAN, 0, 0, 1.0}, {OP_QUANTILE, 0.3, HPCS_Q_LINEAR, 1.0}};
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
        for (int center = 0; center < 2; center++) run_case(x, n, w, 1, center, &ops[k], -1, 0);
    free(x);
}

static void test_args(void)
{
    double x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[8];
    float xf[8] = {1, 2, 3, 4, 5, 6, 7, 8}, outf[8];
    check(hpcs_rolling_quantile_f64(x, 1, 8, 1, 3, 1, -0.1, 0, 0, out) == HPCS_ERR_ARG, "q < 0");
    check(hpcs_rolling_quantile_f64(x, 1, 8, 1, 3, 1, 1.5, 0, 0, out) == HPCS_ERR_ARG, "q > 1");
    check(hpcs_rolling_quantile_f64(x, 1, 8, 1, 3, 1, NAN, 0, 0, out) == HPCS_ERR_ARG, "q NaN");
    check(hpcs_rolling_quantile_f32(xf, 1, 8, 1, 3, 1, 0.5, HPCS_Q_METHOD_COUNT, 0, outf) ==
              HPCS_ERR_ARG, "bad method");
    check(hpcs_rolling_quantile_f32(xf, 1, 8, 1, 3, 1, 0.5, -1, 0, outf) == HPCS_ERR_ARG,
          "negative method");
    check(hpcs_rolling_median_f64(x, 1, 8, 1, 0, 1, 0, out) == HPCS_ERR_ARG, "window 0");
    check(hpcs_rolling_median_f64(x, 1, 8, 1, 3, 0, 0, out) == HPCS_ERR_ARG, "min_periods 0");
    check(hpcs_rolling_mad_f64(x, 1, 8, 1, 3, 4, 1.0, 0, out) == HPCS_ERR_ARG, "min_periods > w");
    check(hpcs_rolling_median_f32(NULL, 1, 8, 1, 3, 1, 0, outf) == HPCS_ERR_NULL, "NULL x");
    check(hpcs_rolling_mad_f32(xf, 1, 8, 1, 3, 1, 1.0, 0, NULL) == HPCS_ERR_NULL, "NULL out");
    check(hpcs_rolling_median_f64(x, 1, 0, 1, 3, 1, 0, out) == HPCS_OK, "n = 0");
    /* Spot values: median of [inf, inf, 1] is inf, MAD there is NaN. */
    double y[3] = {INFINITY, INFINITY, 1.0}, r[3];
    check(hpcs_rolling_median_f64(y, 1, 3, 1, 3, 3, 0, r) == HPCS_OK && r[2] == INFINITY,
          "median [inf, inf, 1]");
    check(hpcs_rolling_mad_f64(y, 1, 3, 1, 3, 3, 1.0, 0, r) == HPCS_OK && r[2] != r[2],
          "mad [inf, inf, 1]");
}

/* ---- bench ------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench(int nwindows, char **window_args)
{
    const int64_t n = 10000000;
    double *x = malloc(sizeof(double) * n), *out = malloc(sizeof(double) * n);
    if (!x || !out) return 1;
    for (int64_t i = 0; i < n; i++) x[i] = normal();
    int64_t windows[16] = {10, 100, 10000};
    int nw = 3;
    if (nwindows > 0) {
        nw = nwindows < 16 ? nwindows : 16;
        for (int i = 0; i < nw; i++) windows[i] = atoll(window_args[i]);
    }
    const op_spec ops[] = {{OP_MEDIAN, 0, 0, 1.0},
                           {OP_QUANTILE, 0.25, HPCS_Q_LINEAR, 1.0},
                           {OP_MAD, 0, 0, 1.0}};
    const char *names[] = {"median", "quantile(0.25)", "mad"};
    for (int k = 0; k < 3; k++)
        for (int wi = 0; wi < nw; wi++) {
            double best = 1e30;
            for (int rep = 0; rep < 3; rep++) {
                double t0 = now();
                if (call_f64(&ops[k], x, 1, n, 1, windows[wi], windows[wi], 0, out) != HPCS_OK)
                    return 1;
                double t = now() - t0;
                if (t < best) best = t;
            }
            printf("rolling %-15s n=%lld w=%-6lld %8.1f ms\n", names[k], (long long)n,
                   (long long)windows[wi], best * 1e3);
        }
    free(x);
    free(out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "bench") == 0) return bench(argc - 2, argv + 2);
    test_args();
    test_quantile_methods();
    test_grid();
    test_large();
    test_sparse();
    test_tree();
    printf("checksum %016llx\n", (unsigned long long)g_checksum);
    printf("%lld passed, %lld failed\n", (long long)g_passed, (long long)g_failed);
    return g_failed != 0;
}
