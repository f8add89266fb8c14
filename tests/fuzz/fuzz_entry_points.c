/*
 * libFuzzer harness for the public C entry points of libhpcs_core.
 *
 * Build and run with tools/run_fuzz.sh (clang, -fsanitize=fuzzer,address,
 * undefined; the library sources are compiled straight into the binary).
 *
 * One input = one call of one entry point (every op, f64 and f32):
 *
 *   header   op selector, mode, shape (outer, n, inner), flags, window,
 *            min_periods, ddof, quantile q[] / method, mad scale, mask,
 *            value encoding, thread count of the comparison run
 *   payload  the rest of the input: the element values, as raw bytes (so
 *            NaN / inf / subnormal / huge values all occur), or as small
 *            integers (many ties) with NaN/inf sprinkled in; tiled when the
 *            input is shorter than the array
 *
 * Buffers are heap-allocated with their exact size so that AddressSanitizer
 * sees any read or write outside them.
 *
 * Modes
 *   valid    a well-formed call (total <= 4096 elements); checks below
 *   big      one long series (65536 < n < 69633), the only way to reach the
 *            kernels' own intra-slice chunked/threaded paths
 *   invalid  one argument made out of range (negative dims, window < 1,
 *            min_periods out of [1, window], ddof < 0, q out of [0, 1] or
 *            NaN, nq < 1, method out of range, NULL x / out / q, a shape
 *            whose element count or byte size overflows): the status must
 *            be an error (HPCS_ERR_ARG or HPCS_ERR_NULL), never OK, and no
 *            buffer may be touched out of bounds
 *
 * Invariants (any violation calls __builtin_trap(); the `why` string of the
 * failing check is printed first):
 *   - the status is in [0, HPCS_STATUS_COUNT)
 *   - a valid call never returns HPCS_ERR_ARG / NULL / NOMEM / INTERNAL
 *     (reductions may return HPCS_ERR_EMPTY, exactly when min/max has a
 *     slice without a valid value)
 *   - thread-count invariance: with every tuning threshold set to 1 (so any
 *     input with >= 2 slices or > 65536 positions takes the threaded path),
 *     a call with 1 thread and one with 2 or 3 threads give the same status
 *     and bit-identical outputs (memcmp)
 *   - layout invariance: one column (o, j) of an (outer, n, inner) call gives
 *     the same bits as that column passed alone as (1, n, 1)
 *   - reductions against a brute-force reference of each slice: min/max
 *     exact (== , so -0.0 == 0.0); NaN without skipna -> NaN for every op;
 *     sum/mean/var/std/median/quantile/mad finite where the data is "tame"
 *     (finite, |x| <= 1e150 for f64, 1e15 for f32, so no overflow can
 *     occur); var/std never negative; median/quantile inside [min, max];
 *     quantile monotone in q
 *   - rolling against brute force: NaN exactly where the window holds fewer
 *     than min_periods valid values (var/std: also count <= ddof) for
 *     sum/mean/var/std/min/max, and for median/quantile/mad on tame data;
 *     rolling min/max exact when the brute force is cheap; rolling
 *     median/quantile inside [rolling min, rolling max]; var/std/mad never
 *     negative (mad: scale >= 0)
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcs.h"

/* ---- helpers -------------------------------------------------------------- */

static void fail(const char *why)
{
    fprintf(stderr, "fuzz_entry_points: invariant violated: %s\n", why);
    __builtin_trap();
}
#define CHECK(cond, why)                                                                         \
    do {                                                                                         \
        if (!(cond)) fail(why);                                                                  \
    } while (0)

typedef struct reader {
    const uint8_t *p;
    size_t left;
} reader;

static uint8_t rd_u8(reader *r)
{
    if (r->left == 0) return 0;
    r->left--;
    return *r->p++;
}
static uint16_t rd_u16(reader *r) { return (uint16_t)(rd_u8(r) | (rd_u8(r) << 8)); }
static uint64_t rd_u64(reader *r)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)rd_u8(r) << (8 * i);
    return v;
}
static double rd_f64(reader *r)
{
    uint64_t u = rd_u64(r);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static void *xmalloc(size_t bytes)
{
    /* malloc(0) under ASan returns a valid pointer with no accessible byte:
     * exactly what an empty array should be. */
    void *p = malloc(bytes);
    if (p == NULL && bytes != 0) abort();
    return p;
}

/* ---- ops ------------------------------------------------------------------ */

enum op {
    OP_SUM, OP_MEAN, OP_VAR, OP_STD, OP_MIN, OP_MAX,       /* reductions (where mask) */
    OP_MEDIAN, OP_MAD, OP_QUANTILE,                         /* order statistics */
    OP_RSUM, OP_RMEAN, OP_RVAR, OP_RSTD, OP_RMIN, OP_RMAX, /* rolling */
    OP_RMEDIAN, OP_RMAD, OP_RQUANTILE,                      /* rolling order */
    OP_RZSCORE, OP_RROBUSTZ,                                /* rolling z-scores */
    OP_COUNT
};
static const char *const op_names[OP_COUNT] = {
    "sum", "mean", "var", "std", "min", "max", "median", "mad", "quantile",
    "rolling_sum", "rolling_mean", "rolling_var", "rolling_std", "rolling_min",
    "rolling_max", "rolling_median", "rolling_mad", "rolling_quantile", "rolling_zscore",
    "rolling_robust_zscore"};

static int is_rolling(int op) { return op >= OP_RSUM; }
static int has_mask(int op) { return op <= OP_MAX; }
static int has_ddof(int op)
{
    return op == OP_VAR || op == OP_STD || op == OP_RVAR || op == OP_RSTD || op == OP_RZSCORE;
}
static int has_q(int op) { return op == OP_QUANTILE || op == OP_RQUANTILE; }

typedef struct params {
    int op, f32;
    int64_t outer, n, inner;
    uint32_t flags;
    int64_t window, min_periods, ddof;
    double scale;
    const double *q; /* quantile: nq values; rolling_quantile: q[0] */
    int64_t nq;
    int32_t method;
} params;

/* One call; x, mask, out as given (any may be NULL for the invalid mode). */
static hpcs_status call(const params *p, const void *x, const uint8_t *mask, void *out)
{
    const int64_t o = p->outer, n = p->n, in = p->inner, w = p->window, mp = p->min_periods;
    const uint32_t fl = p->flags;
    const double rq = p->q ? p->q[0] : 0.5;
#define SEL(f64call, f32call) return p->f32 ? (f32call) : (f64call)
    switch (p->op) {
    case OP_SUM: SEL(hpcs_sum_f64(x, o, n, in, mask, fl, out), hpcs_sum_f32(x, o, n, in, mask, fl, out));
    case OP_MEAN: SEL(hpcs_mean_f64(x, o, n, in, mask, fl, out), hpcs_mean_f32(x, o, n, in, mask, fl, out));
    case OP_VAR:
        SEL(hpcs_var_f64(x, o, n, in, mask, p->ddof, fl, out),
            hpcs_var_f32(x, o, n, in, mask, p->ddof, fl, out));
    case OP_STD:
        SEL(hpcs_std_f64(x, o, n, in, mask, p->ddof, fl, out),
            hpcs_std_f32(x, o, n, in, mask, p->ddof, fl, out));
    case OP_MIN: SEL(hpcs_min_f64(x, o, n, in, mask, fl, out), hpcs_min_f32(x, o, n, in, mask, fl, out));
    case OP_MAX: SEL(hpcs_max_f64(x, o, n, in, mask, fl, out), hpcs_max_f32(x, o, n, in, mask, fl, out));
    case OP_MEDIAN: SEL(hpcs_median_f64(x, o, n, in, fl, out), hpcs_median_f32(x, o, n, in, fl, out));
    case OP_MAD:
        SEL(hpcs_mad_f64(x, o, n, in, p->scale, fl, out), hpcs_mad_f32(x, o, n, in, p->scale, fl, out));
    case OP_QUANTILE:
        SEL(hpcs_quantile_f64(x, o, n, in, p->q, p->nq, p->method, fl, out),
            hpcs_quantile_f32(x, o, n, in, p->q, p->nq, p->method, fl, out));
    case OP_RSUM:
        SEL(hpcs_rolling_sum_f64(x, o, n, in, w, mp, fl, out), hpcs_rolling_sum_f32(x, o, n, in, w, mp, fl, out));
    case OP_RMEAN:
        SEL(hpcs_rolling_mean_f64(x, o, n, in, w, mp, fl, out),
            hpcs_rolling_mean_f32(x, o, n, in, w, mp, fl, out));
    case OP_RVAR:
        SEL(hpcs_rolling_var_f64(x, o, n, in, w, mp, p->ddof, fl, out),
            hpcs_rolling_var_f32(x, o, n, in, w, mp, p->ddof, fl, out));
    case OP_RSTD:
        SEL(hpcs_rolling_std_f64(x, o, n, in, w, mp, p->ddof, fl, out),
            hpcs_rolling_std_f32(x, o, n, in, w, mp, p->ddof, fl, out));
    case OP_RMIN:
        SEL(hpcs_rolling_min_f64(x, o, n, in, w, mp, fl, out), hpcs_rolling_min_f32(x, o, n, in, w, mp, fl, out));
    case OP_RMAX:
        SEL(hpcs_rolling_max_f64(x, o, n, in, w, mp, fl, out), hpcs_rolling_max_f32(x, o, n, in, w, mp, fl, out));
    case OP_RMEDIAN:
        SEL(hpcs_rolling_median_f64(x, o, n, in, w, mp, fl, out),
            hpcs_rolling_median_f32(x, o, n, in, w, mp, fl, out));
    case OP_RMAD:
        SEL(hpcs_rolling_mad_f64(x, o, n, in, w, mp, p->scale, fl, out),
            hpcs_rolling_mad_f32(x, o, n, in, w, mp, p->scale, fl, out));
    case OP_RQUANTILE:
        SEL(hpcs_rolling_quantile_f64(x, o, n, in, w, mp, rq, p->method, fl, out),
            hpcs_rolling_quantile_f32(x, o, n, in, w, mp, rq, p->method, fl, out));
    case OP_RZSCORE:
        SEL(hpcs_rolling_zscore_f64(x, o, n, in, w, mp, p->ddof, fl, out),
            hpcs_rolling_zscore_f32(x, o, n, in, w, mp, p->ddof, fl, out));
    case OP_RROBUSTZ:
        SEL(hpcs_rolling_robust_zscore_f64(x, o, n, in, w, mp, fl, out),
            hpcs_rolling_robust_zscore_f32(x, o, n, in, w, mp, fl, out));
    }
#undef SEL
    fail("bad op");
    return HPCS_ERR_INTERNAL;
}

static size_t elsize(const params *p) { return p->f32 ? sizeof(float) : sizeof(double); }

/* Number of output values (of the output's element type). */
static int64_t out_count(const params *p)
{
    if (is_rolling(p->op)) return p->outer * p->n * p->inner;
    return p->outer * p->inner * (p->op == OP_QUANTILE ? p->nq : 1);
}
static size_t out_bytes(const params *p)
{
    return (size_t)out_count(p) * (is_rolling(p->op) ? elsize(p) : sizeof(double));
}

static double get(const params *p, const void *x, int64_t i)
{
    return p->f32 ? (double)((const float *)x)[i] : ((const double *)x)[i];
}
static double get_out(const params *p, const void *out, int64_t i)
{
    if (is_rolling(p->op)) return get(p, out, i);
    return ((const double *)out)[i];
}

static int tame(const params *p, double v)
{
    return isfinite(v) && fabs(v) <= (p->f32 ? 1e15 : 1e150);
}

/* ---- invariance checks ------------------------------------------------------ */

/* Same call with `threads` threads: same status, same bits. */
static void check_threads(const params *p, const void *x, const uint8_t *mask, hpcs_status st1,
                          const void *out1, int64_t threads)
{
    const size_t ob = out_bytes(p);
    void *out2 = xmalloc(ob);
    if (ob) memcpy(out2, out1, ob); /* unwritten parts (error paths) compare equal */
    hpcs_set_num_threads(threads);
    hpcs_status st2 = call(p, x, mask, out2);
    hpcs_set_num_threads(1);
    CHECK(st1 == st2, "status depends on the thread count");
    if (st1 == HPCS_OK && ob) CHECK(memcmp(out1, out2, ob) == 0, "output bits depend on the thread count");
    free(out2);
}

/* Column (o, j) alone as (1, n, 1) gives the same bits as inside the call. */
static void check_column(const params *p, const void *x, const uint8_t *mask, const void *out,
                         int64_t o, int64_t j)
{
    const int64_t n = p->n, inner = p->inner, es = (int64_t)elsize(p);
    params c = *p;
    c.outer = 1;
    c.inner = 1;
    char *xc = xmalloc((size_t)(n * es));
    uint8_t *mc = mask ? xmalloc((size_t)n) : NULL;
    for (int64_t i = 0; i < n; i++) {
        memcpy(xc + i * es, (const char *)x + ((o * n + i) * inner + j) * es, (size_t)es);
        if (mask) mc[i] = mask[(o * n + i) * inner + j];
    }
    void *oc = xmalloc(out_bytes(&c));
    hpcs_status st = call(&c, xc, mc, oc);
    CHECK(st == HPCS_OK, "a column of an OK call fails alone");
    if (is_rolling(p->op)) {
        for (int64_t i = 0; i < n; i++)
            CHECK(memcmp((const char *)oc + i * es,
                         (const char *)out + ((o * n + i) * inner + j) * es, (size_t)es) == 0,
                  "rolling column bits differ from the same column alone");
    } else {
        const int64_t ns = p->outer * p->inner, nres = p->op == OP_QUANTILE ? p->nq : 1;
        for (int64_t k = 0; k < nres; k++)
            CHECK(memcmp((const double *)oc + k, (const double *)out + k * ns + o * inner + j,
                         sizeof(double)) == 0,
                  "reduction column bits differ from the same column alone");
    }
    free(xc);
    free(mc);
    free(oc);
}

/* ---- reductions: brute-force reference per slice ----------------------------- */

static void check_reduce(const params *p, const void *x, const uint8_t *mask, hpcs_status st,
                         const void *out)
{
    const int64_t n = p->n, inner = p->inner, ns = p->outer * p->inner;
    const int skipna = (p->flags & HPCS_SKIPNA) != 0;
    int any_empty = 0;
    for (int64_t s = 0; s < ns; s++) {
        const int64_t o = s / inner, j = s % inner;
        int64_t count = 0, nans = 0, wild = 0; /* valid values, NaNs included, non-tame values */
        double mn = INFINITY, mx = -INFINITY;
        for (int64_t i = 0; i < n; i++) {
            const int64_t at = (o * n + i) * inner + j;
            if (has_mask(p->op) && mask && !mask[at]) continue;
            const double v = get(p, x, at);
            if (isnan(v)) {
                nans++;
                continue;
            }
            count++;
            if (!tame(p, v)) wild++;
            if (v < mn) mn = v;
            if (v > mx) mx = v;
        }
        const int nan_result = nans > 0 && !skipna; /* NaN propagates */
        const int is_minmax = p->op == OP_MIN || p->op == OP_MAX;
        /* min/max: empty when no value is included (NaN counts without skipna). */
        if (is_minmax && count + (skipna ? 0 : nans) == 0) any_empty = 1;
        if (st != HPCS_OK) continue;
        const double r = ((const double *)out)[s];
        if (nan_result && p->op != OP_QUANTILE) CHECK(isnan(r), "NaN in a slice without skipna must give NaN");
        if (nan_result) {
            for (int64_t k = 0; k < p->nq && p->op == OP_QUANTILE; k++)
                CHECK(isnan(((const double *)out)[k * ns + s]), "quantile: NaN without skipna must give NaN");
            continue;
        }
        const int tame_slice = wild == 0;
        switch (p->op) {
        case OP_MIN: CHECK(r == mn, "min differs from the brute-force min"); break;
        case OP_MAX: CHECK(r == mx, "max differs from the brute-force max"); break;
        case OP_SUM:
            if (count == 0) CHECK(r == 0.0, "sum of an empty slice must be 0");
            if (tame_slice) CHECK(isfinite(r), "sum of tame data must be finite");
            break;
        case OP_MEAN:
            if (count == 0) CHECK(isnan(r), "mean of an empty slice must be NaN");
            else if (tame_slice) CHECK(isfinite(r), "mean of tame data must be finite");
            break;
        case OP_VAR:
        case OP_STD:
            CHECK(!(r < 0), "var/std must not be negative");
            if (count <= p->ddof) CHECK(isnan(r), "var/std with count <= ddof must be NaN");
            else if (tame_slice) CHECK(isfinite(r), "var/std of tame data must be finite");
            break;
        case OP_MEDIAN:
            if (count == 0) CHECK(isnan(r), "median of an empty slice must be NaN");
            else if (tame_slice) CHECK(r >= mn && r <= mx, "median outside [min, max]");
            break;
        case OP_MAD:
            if (count == 0) CHECK(isnan(r), "mad of an empty slice must be NaN");
            else if (tame_slice && p->scale >= 0 && isfinite(p->scale) && p->scale <= 1e100)
                CHECK(r >= 0 && isfinite(r), "mad of tame data must be finite and >= 0");
            break;
        case OP_QUANTILE:
            for (int64_t k = 0; k < p->nq; k++) {
                const double rk = ((const double *)out)[k * ns + s];
                if (count == 0) {
                    CHECK(isnan(rk), "quantile of an empty slice must be NaN");
                    continue;
                }
                if (!tame_slice) continue;
                CHECK(rk >= mn && rk <= mx, "quantile outside [min, max]");
                for (int64_t k2 = 0; k2 < p->nq; k2++) {
                    const double rk2 = ((const double *)out)[k2 * ns + s];
                    if (p->q[k] < p->q[k2]) CHECK(rk <= rk2, "quantile not monotone in q");
                }
            }
            break;
        }
    }
    if (p->op == OP_MIN || p->op == OP_MAX)
        CHECK((st == HPCS_ERR_EMPTY) == any_empty, "min/max: HPCS_ERR_EMPTY iff a slice has no value");
    else
        CHECK(st == HPCS_OK, "a valid reduction failed");
}

/* ---- rolling: brute-force reference ------------------------------------------- */

static void check_rolling(const params *p, const void *x, hpcs_status st, const void *out)
{
    CHECK(st == HPCS_OK, "a valid rolling call failed");
    const int64_t n = p->n, inner = p->inner, w = p->window, mp = p->min_periods;
    const int64_t offset = (p->flags & HPCS_CENTER) ? (w - 1) / 2 : 0;
    const int64_t total = p->outer * n * inner;
    const size_t es = elsize(p);
    /* Reference rolling min / max from the library (checked against brute force
     * below when cheap) for the order-statistic bounds. */
    void *rmin = NULL, *rmax = NULL;
    const int need_minmax = p->op == OP_RMEDIAN || p->op == OP_RQUANTILE;
    if (need_minmax) {
        params c = *p;
        rmin = xmalloc((size_t)total * es);
        rmax = xmalloc((size_t)total * es);
        c.op = OP_RMIN;
        CHECK(call(&c, x, NULL, rmin) == HPCS_OK, "rolling_min failed");
        c.op = OP_RMAX;
        CHECK(call(&c, x, NULL, rmax) == HPCS_OK, "rolling_max failed");
    }
    /* Brute-force min/max only when the windows are short enough. */
    const int64_t span = w < n ? w : n;
    const int brute = (double)total * (double)span <= 300000.0;
    int64_t *pre_valid = xmalloc((size_t)(n + 1) * sizeof(int64_t));
    int64_t *pre_wild = xmalloc((size_t)(n + 1) * sizeof(int64_t));
    for (int64_t o = 0; o < p->outer; o++)
        for (int64_t j = 0; j < inner; j++) {
            pre_valid[0] = pre_wild[0] = 0;
            for (int64_t i = 0; i < n; i++) {
                const double v = get(p, x, (o * n + i) * inner + j);
                pre_valid[i + 1] = pre_valid[i] + !isnan(v);
                pre_wild[i + 1] = pre_wild[i] + (!isnan(v) && !tame(p, v));
            }
            for (int64_t i = 0; i < n; i++) {
                const int64_t at = (o * n + i) * inner + j;
                const int64_t e = i + offset; /* window [e - w + 1, e] clipped */
                const int64_t hi = e < n - 1 ? e : n - 1;
                const int64_t lo = e - w + 1 > 0 ? e - w + 1 : 0;
                const int64_t count = hi >= lo ? pre_valid[hi + 1] - pre_valid[lo] : 0;
                const int64_t wild = hi >= lo ? pre_wild[hi + 1] - pre_wild[lo] : 0;
                const int enough = count >= mp;
                const double r = get_out(p, out, at);
                switch (p->op) {
                case OP_RSUM:
                case OP_RMEAN:
                    CHECK(isnan(r) == !enough || (enough && wild), "rolling sum/mean: NaN iff count < min_periods");
                    if (enough && !wild) CHECK(isfinite(r), "rolling sum/mean of tame data must be finite");
                    break;
                case OP_RVAR:
                case OP_RSTD:
                    CHECK(!(r < 0), "rolling var/std must not be negative");
                    if (!enough || count <= p->ddof) CHECK(isnan(r), "rolling var/std: NaN when count < min_periods or count <= ddof");
                    /* The deviations are from a per-block shift, the first
                     * finite value from the block's start on, which can lie
                     * outside a window that starts in a NaN run: require a
                     * tame slice, not just a tame window (docs/decisions.md). */
                    else if (!pre_wild[n]) CHECK(isfinite(r), "rolling var/std of tame data must be finite");
                    break;
                case OP_RMIN:
                case OP_RMAX:
                    CHECK(isnan(r) == !enough, "rolling min/max: NaN iff count < min_periods");
                    if (enough && brute) {
                        double m = p->op == OP_RMIN ? INFINITY : -INFINITY;
                        for (int64_t k = lo; k <= hi; k++) {
                            const double v = get(p, x, (o * n + k) * inner + j);
                            if (p->op == OP_RMIN ? v < m : v > m) m = v;
                        }
                        CHECK(r == m, "rolling min/max differs from brute force");
                    }
                    break;
                case OP_RMAD:
                    if (!enough) CHECK(isnan(r), "rolling mad: NaN when count < min_periods");
                    else if (!wild && p->scale >= 0 && p->scale <= 1e5)
                        CHECK(r >= 0 && isfinite(r), "rolling mad of tame data must be finite and >= 0");
                    break;
                case OP_RMEDIAN:
                case OP_RQUANTILE: {
                    if (!enough) {
                        CHECK(isnan(r), "rolling median/quantile: NaN when count < min_periods");
                        break;
                    }
                    if (wild) break;
                    const double a = get(p, rmin, at), b = get(p, rmax, at);
                    CHECK(r >= a && r <= b, "rolling median/quantile outside [rolling_min, rolling_max]");
                    break;
                }
                case OP_RZSCORE:
                case OP_RROBUSTZ:
                    if (!enough) CHECK(isnan(r), "rolling z-score: NaN when count < min_periods");
                    break;
                }
            }
        }
    free(pre_valid);
    free(pre_wild);
    free(rmin);
    free(rmax);
}

static int verbose;
static void describe(const params *p, const char *mode, int big, int enc, int mask_kind,
                     int64_t threads, int colsel, const void *x);

/* ---- invalid calls ------------------------------------------------------------- */

static void run_invalid(params p, reader *r)
{
    /* A small valid set-up to break one argument of. */
    p.outer = 1 + rd_u8(r) % 3;
    p.n = 1 + rd_u8(r) % 16;
    p.inner = 1 + rd_u8(r) % 3;
    p.window = 1 + rd_u8(r) % 8;
    p.min_periods = 1 + rd_u8(r) % p.window;
    double qs[4] = {0.0, 0.25, 0.5, 1.0};
    p.q = qs;
    p.nq = 4;
    const int64_t total = p.outer * p.n * p.inner;
    void *x = xmalloc((size_t)total * elsize(&p));
    memset(x, 0, (size_t)total * elsize(&p));
    void *out = NULL; /* sized after the mutation */
    const int64_t big[] = {INT64_MAX, INT64_MAX / 2 + 1, (int64_t)1 << 32, (int64_t)1 << 31,
                           (int64_t)1 << 21, 3};
    int expect_null = 0;
    const int kind = rd_u8(r) % 14;
    switch (kind) {
    case 0: p.outer = -1 - (int64_t)rd_u8(r); break;
    case 1: p.n = -1 - (int64_t)rd_u8(r); break;
    case 2: p.inner = INT64_MIN + rd_u8(r); break;
    case 3: /* element count overflows int64, or its bytes overflow size_t */
        p.outer = big[rd_u8(r) % 6];
        p.n = big[rd_u8(r) % 6];
        p.inner = big[rd_u8(r) % 6];
        if ((double)p.outer * p.n * p.inner <= (double)(SIZE_MAX / 8)) p.outer = INT64_MAX;
        break;
    case 4: p.window = -(int64_t)rd_u8(r); break; /* 0 or negative */
    case 5: p.min_periods = -(int64_t)rd_u8(r); break;
    case 6: p.min_periods = p.window + 1 + rd_u8(r); break;
    case 7: p.ddof = -1 - (int64_t)rd_u8(r); break;
    case 8: { /* q out of [0, 1] */
        const double bad[] = {NAN, -0.001, 1.0000001, INFINITY, -INFINITY, -NAN};
        qs[rd_u8(r) % 4] = bad[rd_u8(r) % 6];
        if (p.op == OP_RQUANTILE) qs[0] = bad[rd_u8(r) % 6];
        break;
    }
    case 9: p.nq = -(int64_t)rd_u8(r); break;
    case 10: p.method = (rd_u8(r) & 1) ? HPCS_Q_METHOD_COUNT + rd_u8(r) : -1 - (int32_t)rd_u8(r); break;
    case 11: free(x); x = NULL; expect_null = 1; break;
    case 12: expect_null = 2; break; /* out NULL */
    case 13: p.q = NULL; expect_null = 1; break;
    }
    /* Is the mutation meaningful for this op?  Else it is a valid call: skip. */
    int relevant = 1;
    if (kind >= 4 && kind <= 6) relevant = is_rolling(p.op);
    if (kind == 7) relevant = has_ddof(p.op);
    if (kind == 8 || kind == 10) relevant = has_q(p.op);
    if (kind == 9 || kind == 13) relevant = p.op == OP_QUANTILE;
    if (verbose)
        describe(&p, relevant ? "invalid" : "invalid(not relevant: skipped)", 0, -1, 0, 1, kind, NULL);
    if (relevant) {
        /* Out buffer of the valid shape (or one element for a broken shape):
         * an accepted bad shape would then be caught by ASan. */
        params v = p;
        if (kind <= 3) v.outer = v.n = v.inner = 1;
        if (kind == 9) v.nq = 1;
        const size_t ob = out_bytes(&v);
        if (expect_null != 2) out = xmalloc(ob);
        const hpcs_status st = call(&p, x, NULL, out);
        CHECK((unsigned)st < HPCS_STATUS_COUNT, "status out of range");
        if (expect_null) CHECK(st == HPCS_ERR_NULL, "a NULL pointer must give HPCS_ERR_NULL");
        else CHECK(st == HPCS_ERR_ARG, "an out-of-range argument must give HPCS_ERR_ARG");
    }
    free(x);
    free(out);
}

/* ---- options ---------------------------------------------------------------------
 * HPCS_FUZZ_VERBOSE=1     print each decoded call to stderr (to report a crash:
 *                         run the binary on the crash file with it set)      */

static void describe(const params *p, const char *mode, int big, int enc, int mask_kind,
                     int64_t threads, int colsel, const void *x)
{
    fprintf(stderr,
            "fuzz call: mode=%s%s hpcs_%s_%s outer=%lld n=%lld inner=%lld flags=0x%x window=%lld "
            "min_periods=%lld ddof=%lld scale=%a method=%d nq=%lld q=[",
            mode, big ? "(big)" : "", op_names[p->op], p->f32 ? "f32" : "f64", (long long)p->outer,
            (long long)p->n, (long long)p->inner, p->flags, (long long)p->window,
            (long long)p->min_periods, (long long)p->ddof, p->scale, p->method, (long long)p->nq);
    for (int64_t k = 0; p->q && k < p->nq && k < 8; k++) fprintf(stderr, "%s%.17g", k ? ", " : "", p->q[k]);
    fprintf(stderr, "] values(enc=%d) mask_kind=%d threads=%lld colsel=%d\n", enc, mask_kind,
            (long long)threads, colsel);
    if (x) {
        const int64_t total = p->outer * p->n * p->inner;
        fprintf(stderr, "  x[0..%lld) =", (long long)total);
        for (int64_t i = 0; i < total && i < 64; i++) fprintf(stderr, " %.17g", get(p, x, i));
        fprintf(stderr, "%s\n", total > 64 ? " ..." : "");
    }
}

/* ---- entry ----------------------------------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* Every family takes its threaded path as soon as the work can be split. */
    hpcs_tuning t;
    for (int f = 0; f < HPCS_FAMILY_COUNT; f++) t.parallel_min_elements[f] = 1;
    if (hpcs_set_tuning(&t) != HPCS_OK) fail("hpcs_set_tuning");
    hpcs_set_num_threads(1);
    const char *v = getenv("HPCS_FUZZ_VERBOSE");
    verbose = v && *v && *v != '0';
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = {data, size};
    params p = {0};
    const uint8_t sel = rd_u8(&r);
    p.op = sel % OP_COUNT;
    p.f32 = (sel / OP_COUNT) & 1;
    const uint8_t mode = rd_u8(&r);
    p.flags = rd_u8(&r);
    /* Mostly the defined bits; sometimes undefined ones too (must be ignored
     * or rejected, never crash). */
    if (p.flags < 0xf0) p.flags &= HPCS_SKIPNA | HPCS_CENTER;
    p.ddof = rd_u8(&r) % 6;
    p.method = rd_u8(&r) % HPCS_Q_METHOD_COUNT;
    p.scale = (rd_u8(&r) & 1) ? 1.4826 : rd_f64(&r);
    double qv[8];
    p.nq = 1 + rd_u8(&r) % 8;
    for (int64_t k = 0; k < p.nq; k++) {
        const uint8_t b = rd_u8(&r);
        qv[k] = b == 255 ? 1.0 : b == 254 ? nextafter(1.0, 0.0) : b == 253 ? 5e-324 : b / 252.0;
    }
    p.q = qv;

    if (mode % 8 == 0) {
        run_invalid(p, &r);
        return 0;
    }
    const int bigmode = mode % 8 == 1 && (mode & 0x70) == 0x70; /* 1 in 64 inputs */
    if (bigmode) {
        /* Just over one HPCS_CHUNK (65536): two chunks, the threaded split. */
        p.outer = 1;
        p.inner = 1 + (rd_u8(&r) & 1);
        p.n = 65537 + rd_u16(&r) % 4096;
    } else {
        p.outer = rd_u8(&r) % 6;
        p.inner = rd_u8(&r) % 6;
        const int64_t cap = 4096 / ((p.outer ? p.outer : 1) * (p.inner ? p.inner : 1));
        const uint16_t b = rd_u16(&r);
        /* Small n most of the time: that is where the edge cases are. */
        p.n = (b & 0x8000) ? (b & 0x7fff) % (cap + 1) : (b & 0x7fff) % (cap < 70 ? cap + 1 : 70);
    }
    const uint16_t wb = rd_u16(&r);
    switch (wb >> 13) {
    case 0: p.window = INT64_MAX - (wb & 3); break;       /* huge */
    case 1: p.window = p.n + (wb & 7) ? p.n + (wb & 7) : 1; break; /* around n (>= 1) */
    default: p.window = 1 + (wb & 0x1fff) % (p.n < 300 ? 300 : p.n + 1); break;
    }
    const uint8_t mpb = rd_u8(&r);
    p.min_periods = mpb < 64 ? 1 : mpb < 96 ? p.window : 1 + (int64_t)(rd_u16(&r) % (p.window < 65536 ? p.window : 65536));
    const uint8_t enc = rd_u8(&r) % 4; /* value encoding */
    const uint8_t mask_kind = rd_u8(&r) % 4;
    const int64_t threads = 2 + (rd_u8(&r) & 1);
    const uint8_t colsel = rd_u8(&r);

    const int64_t total = p.outer * p.n * p.inner;
    const size_t es = elsize(&p);
    void *x = xmalloc((size_t)total * es);
    const uint8_t *pay = r.p;
    const size_t npay = r.left;
    static const double specials[8] = {NAN, INFINITY, -INFINITY, 0.0, -0.0, 5e-324, 1e308, -1e-310};
    for (int64_t i = 0; i < total; i++) {
        double v;
        if (enc == 0 || npay == 0) { /* raw bits, tiled */
            uint8_t bytes[8];
            for (size_t k = 0; k < es; k++) bytes[k] = npay ? pay[((size_t)i * es + k) % npay] : 0;
            if (p.f32) {
                float f;
                memcpy(&f, bytes, sizeof f);
                ((float *)x)[i] = f;
            } else {
                memcpy((double *)x + i, bytes, sizeof(double));
            }
            continue;
        }
        const uint8_t b = pay[(size_t)i % npay];
        /* The tile is shifted on each repeat so long series are not periodic. */
        const int64_t rep = (int64_t)((size_t)i / npay);
        if (enc == 1) v = (double)(b % 16) - 8.0;                           /* ties */
        else if (enc == 2) v = b >= 240 ? specials[b % 8] : (double)(b % 32) - 16.0 + 0.5 * (double)(rep % 3);
        else v = ldexp((double)(int8_t)b, (int)(rep % 7) - 3) + (double)(i % 5); /* trends */
        if (p.f32) ((float *)x)[i] = (float)v;
        else ((double *)x)[i] = v;
    }
    uint8_t *mask = NULL;
    if (has_mask(p.op) && mask_kind) {
        mask = xmalloc((size_t)total);
        for (int64_t i = 0; i < total; i++) {
            const uint8_t b = npay ? pay[(size_t)(i * 7 + 3) % npay] : 0;
            mask[i] = mask_kind == 1 ? (b & 1) : mask_kind == 2 ? (b % 8 != 0) * b : 0;
        }
    }

    if (verbose) describe(&p, "valid", bigmode, enc, mask_kind, threads, colsel, x);

    void *out = xmalloc(out_bytes(&p));
    hpcs_set_num_threads(1);
    const hpcs_status st = call(&p, x, mask, out);
    CHECK((unsigned)st < HPCS_STATUS_COUNT, "status out of range");
    if (st == HPCS_ERR_ARG && (p.flags & ~(uint32_t)(HPCS_SKIPNA | HPCS_CENTER))) {
        /* Undefined flag bits may be rejected. */
        free(x);
        free(mask);
        free(out);
        return 0;
    }
    CHECK(st == HPCS_OK || st == HPCS_ERR_EMPTY, "a valid call returned an error");
    if (st == HPCS_ERR_EMPTY) CHECK(p.op == OP_MIN || p.op == OP_MAX, "HPCS_ERR_EMPTY from a non min/max op");

    check_threads(&p, x, mask, st, out, threads);
    if (is_rolling(p.op)) check_rolling(&p, x, st, out);
    else check_reduce(&p, x, mask, st, out);
    if (st == HPCS_OK && p.inner > 1 && p.outer > 0 && p.n > 0 && !bigmode)
        check_column(&p, x, mask, out, colsel % p.outer, (colsel / 8) % p.inner);

    free(x);
    free(mask);
    free(out);
    return 0;
}
