/*
 * hpcs.h — public C interface of libhpcs_core.
 *
 * This header is the single source of truth for the C API: the Python binding
 * (hpcs/_build_ffi.py) feeds the block between HPCS_CDEF_BEGIN and
 * HPCS_CDEF_END to cffi, so that block holds only plain C declarations
 * (no macros, no #if).
 *
 * Conventions
 *   - Every computing entry point returns an hpcs_status (HPCS_OK == 0).
 *   - Lengths, strides and windows are int64_t.
 *   - Arrays are described as (outer, n, inner): element (o, i, j) lives at
 *     x[(o * n + i) * inner + j] and the operation runs along i.  A 1-D series
 *     is (1, n, 1); axis k of a C-contiguous N-D array is
 *     (prod(shape[:k]), shape[k], prod(shape[k+1:])).
 *   - Reductions write outer*inner doubles, in (o, j) order.  float32 input
 *     is accumulated and returned in double.
 *   - Rolling operations write an output of the input's layout and dtype.
 *   - Inputs are never modified.  Results are bit-identical for every ISA
 *     clone of the library.
 *
 * NaN policy: without HPCS_SKIPNA a reduction over a slice holding NaN gives
 * NaN (min/max included); with it NaNs are ignored (numpy nan* semantics).
 * Rolling operations always treat NaN as missing and emit NaN where fewer
 * than min_periods valid values are in the window (pandas semantics).
 */
#ifndef HPCS_H
#define HPCS_H

#include <stdint.h>

#define HPCS_VERSION_MAJOR 0
#define HPCS_VERSION_MINOR 1
#define HPCS_VERSION_PATCH 0
#define HPCS_VERSION_STRING "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/* HPCS_CDEF_BEGIN */

/* Status codes.  Append new codes just before HPCS_STATUS_COUNT; every code
 * has a message in hpcs_status_str() and an exception in hpcs/_errors.py. */
typedef enum hpcs_status {
    HPCS_OK = 0,            /* success */
    HPCS_ERR_ARG = 1,       /* an argument is out of range or inconsistent */
    HPCS_ERR_NULL = 2,      /* a required pointer is NULL */
    HPCS_ERR_EMPTY = 3,     /* min/max of a slice with no valid value */
    HPCS_ERR_NOMEM = 4,     /* memory allocation failed */
    HPCS_ERR_INTERNAL = 5,  /* an internal invariant failed (a bug) */
    HPCS_STATUS_COUNT = 6
} hpcs_status;

/* Flags, OR-ed together. */
enum {
    HPCS_SKIPNA = 1,        /* reductions: ignore NaN */
    HPCS_CENTER = 2,        /* rolling: window centred on the output (pandas center=True) */
    HPCS_ROUND_FLOAT = 4    /* sum/mean: round the exact result once to float precision
                               (the double written is a float's value) */
};

/* Quantile interpolation, as numpy.quantile's `method`. */
typedef enum hpcs_quantile_method {
    HPCS_Q_LINEAR = 0,
    HPCS_Q_LOWER = 1,
    HPCS_Q_HIGHER = 2,
    HPCS_Q_MIDPOINT = 3,
    HPCS_Q_NEAREST = 4,
    HPCS_Q_METHOD_COUNT = 5
} hpcs_quantile_method;

/* Instruction-set levels the kernels are cloned for (bit i of a mask is
 * level i). */
typedef enum hpcs_isa {
    HPCS_ISA_SCALAR = 0,    /* plain build (non-x86) */
    HPCS_ISA_SSE2 = 1,      /* x86-64 baseline */
    HPCS_ISA_AVX2 = 2,      /* x86-64-v3: AVX2 + FMA */
    HPCS_ISA_AVX512 = 3,    /* x86-64-v4: AVX-512 F/BW/CD/DQ/VL */
    HPCS_ISA_COUNT = 4
} hpcs_isa;

typedef struct hpcs_simd_info {
    int32_t active;         /* hpcs_isa of the clone the kernels run */
    int32_t width_doubles;  /* doubles per vector register of that clone */
    uint32_t compiled_mask; /* clones built into this library */
    uint32_t supported_mask;/* levels this CPU supports */
    int32_t observed;       /* 1: `active` is the clone the loader resolved for
                             * a kernel; 0: not observable, `active` is inferred */
    int32_t inferred;       /* the clone GCC's resolver order predicts */
    const char *clone_symbol; /* symbol of the observed clone ("" if none) */
} hpcs_simd_info;

/* Library version, "MAJOR.MINOR.PATCH" (never NULL). */
const char *hpcs_version(void);
/* Text of a status code, starting with the code's name (never NULL). */
const char *hpcs_status_str(hpcs_status status);
/* Name of an ISA level ("scalar", "SSE2", "AVX2", "AVX512"; "?" if unknown). */
const char *hpcs_isa_name(int32_t isa);
hpcs_status hpcs_get_simd_info(hpcs_simd_info *info);

/* ---- Threads and tuning -------------------------------------------------
 * Process-wide settings (atomic; safe to change from any thread).  Results
 * never depend on them: work is cut into fixed-size chunks combined in a
 * fixed order, whatever the thread count.                                   */

/* Operation families, each with its own threading threshold. */
typedef enum hpcs_family {
    HPCS_FAMILY_REDUCE = 0,     /* sum, mean, var, std, min, max */
    HPCS_FAMILY_SELECT = 1,     /* median, mad, quantile */
    HPCS_FAMILY_ROLLING = 2,    /* rolling sum, mean, var, std, min, max */
    HPCS_FAMILY_ROLLING_ORDER = 3, /* rolling median, mad, quantile */
    HPCS_FAMILY_COUNT = 4
} hpcs_family;

typedef struct hpcs_tuning {
    /* Inputs with fewer elements than this run on the calling thread only. */
    int64_t parallel_min_elements[4];  /* indexed by hpcs_family */
} hpcs_tuning;

/* n >= 1 threads; 0 restores the default (the physical cores). */
hpcs_status hpcs_set_num_threads(int64_t n);
hpcs_status hpcs_get_num_threads(int64_t *n);
hpcs_status hpcs_get_tuning(hpcs_tuning *tuning);
/* Every threshold must be >= 1. */
hpcs_status hpcs_set_tuning(const hpcs_tuning *tuning);
/* Restore the built-in default tuning. */
hpcs_status hpcs_reset_tuning(void);
/* How many threads a call of `family` over `elements` elements would use
 * now (a pure query: lets tests and tools see the code path a size takes). */
hpcs_status hpcs_plan_threads(int32_t family, int64_t elements, int64_t *nthreads);

/* ---- Reductions --------------------------------------------------------
 * x: (outer, n, inner) as above.  where: NULL, or a uint8 mask of x's layout
 * (nonzero = include).  out: outer*inner doubles.
 * Empty slices: sum -> 0, mean/var/std -> NaN, min/max -> HPCS_ERR_EMPTY.
 * sum/mean: the double nearest to the exact sum / mean of the included
 * values.  var: the double nearest to sum(fl(x - m)^2) / (count - ddof),
 * m the correctly rounded mean (two passes); std = sqrt(var).  All four
 * depend only on the multiset of included values (never on order, layout,
 * threads or clone).  var/std: ddof >= 0; count <= ddof -> NaN.           */
hpcs_status hpcs_sum_f64(const double *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, uint32_t flags, double *out);
hpcs_status hpcs_sum_f32(const float *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, uint32_t flags, double *out);
hpcs_status hpcs_mean_f64(const double *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, uint32_t flags, double *out);
hpcs_status hpcs_mean_f32(const float *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, uint32_t flags, double *out);
hpcs_status hpcs_var_f64(const double *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_var_f32(const float *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_std_f64(const double *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_std_f32(const float *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_min_f64(const double *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, uint32_t flags, double *out);
hpcs_status hpcs_min_f32(const float *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, uint32_t flags, double *out);
hpcs_status hpcs_max_f64(const double *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, uint32_t flags, double *out);
hpcs_status hpcs_max_f32(const float *x, int64_t outer, int64_t n, int64_t inner, const uint8_t *where, uint32_t flags, double *out);

/* Order statistics of each slice, by selection on a scratch copy (O(n)
 * expected).  quantile writes nq results per slice: out[k * outer * inner +
 * slice] for q[k] in [0, 1].  mad = median(|x - median(x)|) * scale.       */
hpcs_status hpcs_median_f64(const double *x, int64_t outer, int64_t n, int64_t inner, uint32_t flags, double *out);
hpcs_status hpcs_median_f32(const float *x, int64_t outer, int64_t n, int64_t inner, uint32_t flags, double *out);
hpcs_status hpcs_mad_f64(const double *x, int64_t outer, int64_t n, int64_t inner, double scale, uint32_t flags, double *out);
hpcs_status hpcs_mad_f32(const float *x, int64_t outer, int64_t n, int64_t inner, double scale, uint32_t flags, double *out);
hpcs_status hpcs_quantile_f64(const double *x, int64_t outer, int64_t n, int64_t inner, const double *q, int64_t nq, int32_t method, uint32_t flags, double *out);
hpcs_status hpcs_quantile_f32(const float *x, int64_t outer, int64_t n, int64_t inner, const double *q, int64_t nq, int32_t method, uint32_t flags, double *out);

/* ---- Rolling (moving-window) operations ---------------------------------
 * Window semantics of pandas Series.rolling(window, min_periods, center):
 * the window of output i is x[i-window+1 .. i] (with HPCS_CENTER, shifted
 * forward by (window-1)/2), clipped to the series; NaN is missing; output is
 * NaN where fewer than min_periods valid values are in the window.
 * 1 <= min_periods <= window, else HPCS_ERR_ARG.  out has x's layout and
 * dtype and must not overlap x.
 * sum/mean/var/std/min/max: O(n) (block prefix/suffix scans: no drift).
 * median/quantile/mad: O(n log window).                                    */
hpcs_status hpcs_rolling_sum_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, double *out);
hpcs_status hpcs_rolling_sum_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, float *out);
hpcs_status hpcs_rolling_mean_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, double *out);
hpcs_status hpcs_rolling_mean_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, float *out);
hpcs_status hpcs_rolling_var_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_rolling_var_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, int64_t ddof, uint32_t flags, float *out);
hpcs_status hpcs_rolling_std_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_rolling_std_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, int64_t ddof, uint32_t flags, float *out);
hpcs_status hpcs_rolling_min_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, double *out);
hpcs_status hpcs_rolling_min_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, float *out);
hpcs_status hpcs_rolling_max_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, double *out);
hpcs_status hpcs_rolling_max_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, float *out);
hpcs_status hpcs_rolling_median_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, double *out);
hpcs_status hpcs_rolling_median_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, float *out);
hpcs_status hpcs_rolling_mad_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, double scale, uint32_t flags, double *out);
hpcs_status hpcs_rolling_mad_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, double scale, uint32_t flags, float *out);
hpcs_status hpcs_rolling_quantile_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, double q, int32_t method, uint32_t flags, double *out);
hpcs_status hpcs_rolling_quantile_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, double q, int32_t method, uint32_t flags, float *out);

/* ---- Partial sums: combining chunk results exactly ------------------------
 * For out-of-core / distributed callers (hpcs.dask): a chunk's exact sum is
 * returned as nterms <= HPCS_PARTIAL_MAX doubles whose exact sum it is
 * (largest first; the first is the correctly rounded sum), plus its count
 * of included values; the non-finite cases are one special term (NaN; +inf;
 * -inf; also +-inf for a sum beyond ~HPCS_PARTIAL_MAX * DBL_MAX).  Any
 * concatenation of chunk terms passed to hpcs_partials_div gives the same
 * bits as the in-memory call:
 *   sum  = partials_div(all sum terms, 1)
 *   mean = partials_div(all sum terms, total count)
 *   var  = partials_div(all sumsq terms with mean = that mean and scale = 1,
 *                       total count - ddof); if that is +inf (finite data),
 *          redo with scale = 2^-512 and multiply the result by 2^1024;
 *          var is NaN if mean is not finite or count <= ddof.
 *   std  = sqrt(var); in the rescaled case sqrt(scaled var) * 2^512.
 * where / flags as for the reductions (where: n bytes or NULL).            */
enum { HPCS_PARTIAL_MAX = 64 };
hpcs_status hpcs_sum_partial_f64(const double *x, int64_t n, const uint8_t *where, uint32_t flags, double *terms, int64_t *nterms, int64_t *count);
hpcs_status hpcs_sum_partial_f32(const float *x, int64_t n, const uint8_t *where, uint32_t flags, double *terms, int64_t *nterms, int64_t *count);
/* Terms of the exact sum of fl(fl(x * scale - mean * scale)^2) over the
 * included x (scale a power of two). */
hpcs_status hpcs_sumsq_partial_f64(const double *x, int64_t n, const uint8_t *where, uint32_t flags, double mean, double scale, double *terms, int64_t *nterms, int64_t *count);
hpcs_status hpcs_sumsq_partial_f32(const float *x, int64_t n, const uint8_t *where, uint32_t flags, double mean, double scale, double *terms, int64_t *nterms, int64_t *count);
/* *out = the double nearest to (exact sum of terms) / divisor (ties to
 * even); divisor 0 gives NaN; non-finite terms follow the sum rules. */
hpcs_status hpcs_partials_div(const double *terms, int64_t nterms, int64_t divisor, double *out);
/* *out = the double nearest to (exact sum of terms + sum of x[i] * k[i]) /
 * divisor, each product exact (k[i] >= 0): how the robust means combine
 * their chunk terms with the copies of the cut points they keep
 * (trimmed_mean, winsorized_mean give the same bits this way). */
hpcs_status hpcs_partials_muldiv(const double *terms, int64_t nterms, const double *x, const int64_t *k, int64_t nx, int64_t divisor, double *out);
/* ---- Transforms, cumulative scans, robust means, grouped reductions ------
 * Transforms write an output of x's layout and dtype (diff: (outer, n -
 * order, inner)); out must not overlap x.
 * zscore = (x - mean) / std(ddof), robust_zscore = (x - median) /
 * (1.482602218505602 * MAD), normalize_minmax = (x - min) / (max - min),
 * each slice with its own statistics (hpcs_mean/std/median/mad/min/max;
 * HPCS_SKIPNA: computed without NaN); a zero or NaN spread gives NaN.  clip: numpy.clip over `size`
 * elements (lo/hi may be +-inf; NaN propagates).  diff: numpy.diff of
 * order >= 0 along the axis (order >= n: nothing written).
 * cummin/cummax: numpy minimum/maximum.accumulate; with HPCS_SKIPNA,
 * pandas: NaN stays at its position and is skipped.  ffill/bfill: pandas,
 * at most `limit` consecutive NaNs filled (0: no limit).
 * trimmed_mean / winsorized_mean: scipy.stats.trim_mean / mean of
 * scipy.stats.mstats.winsorize, one double per slice, O(n) by selection;
 * NaN gives NaN unless HPCS_SKIPNA; proportions in [0, 1]; cuts leaving
 * no value -> HPCS_ERR_ARG (trimmed: an empty middle -> NaN).
 * group_*: codes[i] < 0 leaves x[i] out, codes[i] >= ngroups -> HPCS_ERR_ARG;
 * out has ngroups entries; an empty group gives sum 0, count 0, else NaN.
 * HPCS_SKIPNA leaves NaN values out (count: non-NaN values, else all).    */
hpcs_status hpcs_zscore_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_zscore_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t ddof, uint32_t flags, float *out);
hpcs_status hpcs_robust_zscore_f64(const double *x, int64_t outer, int64_t n, int64_t inner, uint32_t flags, double *out);
hpcs_status hpcs_robust_zscore_f32(const float *x, int64_t outer, int64_t n, int64_t inner, uint32_t flags, float *out);
hpcs_status hpcs_normalize_minmax_f64(const double *x, int64_t outer, int64_t n, int64_t inner, uint32_t flags, double *out);
hpcs_status hpcs_normalize_minmax_f32(const float *x, int64_t outer, int64_t n, int64_t inner, uint32_t flags, float *out);
hpcs_status hpcs_clip_f64(const double *x, int64_t size, double lo, double hi, double *out);
hpcs_status hpcs_clip_f32(const float *x, int64_t size, double lo, double hi, float *out);
hpcs_status hpcs_diff_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t order, double *out);
hpcs_status hpcs_diff_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t order, float *out);
hpcs_status hpcs_cummin_f64(const double *x, int64_t outer, int64_t n, int64_t inner, uint32_t flags, double *out);
hpcs_status hpcs_cummin_f32(const float *x, int64_t outer, int64_t n, int64_t inner, uint32_t flags, float *out);
hpcs_status hpcs_cummax_f64(const double *x, int64_t outer, int64_t n, int64_t inner, uint32_t flags, double *out);
hpcs_status hpcs_cummax_f32(const float *x, int64_t outer, int64_t n, int64_t inner, uint32_t flags, float *out);
hpcs_status hpcs_ffill_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t limit, double *out);
hpcs_status hpcs_ffill_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t limit, float *out);
hpcs_status hpcs_bfill_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t limit, double *out);
hpcs_status hpcs_bfill_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t limit, float *out);
hpcs_status hpcs_trimmed_mean_f64(const double *x, int64_t outer, int64_t n, int64_t inner, double proportiontocut, uint32_t flags, double *out);
hpcs_status hpcs_trimmed_mean_f32(const float *x, int64_t outer, int64_t n, int64_t inner, double proportiontocut, uint32_t flags, double *out);
hpcs_status hpcs_winsorized_mean_f64(const double *x, int64_t outer, int64_t n, int64_t inner, double lower, double upper, uint32_t flags, double *out);
hpcs_status hpcs_winsorized_mean_f32(const float *x, int64_t outer, int64_t n, int64_t inner, double lower, double upper, uint32_t flags, double *out);
hpcs_status hpcs_group_sum_f64(const double *x, const int64_t *codes, int64_t n, int64_t ngroups, uint32_t flags, double *out);
hpcs_status hpcs_group_sum_f32(const float *x, const int64_t *codes, int64_t n, int64_t ngroups, uint32_t flags, double *out);
hpcs_status hpcs_group_mean_f64(const double *x, const int64_t *codes, int64_t n, int64_t ngroups, uint32_t flags, double *out);
hpcs_status hpcs_group_mean_f32(const float *x, const int64_t *codes, int64_t n, int64_t ngroups, uint32_t flags, double *out);
hpcs_status hpcs_group_var_f64(const double *x, const int64_t *codes, int64_t n, int64_t ngroups, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_group_var_f32(const float *x, const int64_t *codes, int64_t n, int64_t ngroups, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_group_std_f64(const double *x, const int64_t *codes, int64_t n, int64_t ngroups, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_group_std_f32(const float *x, const int64_t *codes, int64_t n, int64_t ngroups, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_group_min_f64(const double *x, const int64_t *codes, int64_t n, int64_t ngroups, uint32_t flags, double *out);
hpcs_status hpcs_group_min_f32(const float *x, const int64_t *codes, int64_t n, int64_t ngroups, uint32_t flags, double *out);
hpcs_status hpcs_group_max_f64(const double *x, const int64_t *codes, int64_t n, int64_t ngroups, uint32_t flags, double *out);
hpcs_status hpcs_group_max_f32(const float *x, const int64_t *codes, int64_t n, int64_t ngroups, uint32_t flags, double *out);
hpcs_status hpcs_group_count_f64(const double *x, const int64_t *codes, int64_t n, int64_t ngroups, uint32_t flags, int64_t *out);
hpcs_status hpcs_group_count_f32(const float *x, const int64_t *codes, int64_t n, int64_t ngroups, uint32_t flags, int64_t *out);
/* Part tables: the group_* calls above cut x into parts whose bounds depend
 * only on (n, ngroups): part p is [p * part_len, min(n, (p + 1) * part_len)),
 * nparts <= 256.  Each part fills a table of ngroups entries of 4 doubles
 * (entry g at table[4 * g]):
 *   sum, mean:  (count, sum (TwoSum's rounded part: the plain sum), its error, 0)
 *   var, std:   (count, mean of x - shift, M2, shift = the first value)
 *   min, max:   (count, extreme, NaN count, 0)
 *   count:      (count, 0, 0, 0)
 * The tables are merged in part order and finalised.  Computing them
 * elsewhere (one part per worker, say) and finishing them here gives the
 * group_* result bit for bit:
 *   hpcs_group_table_init, then hpcs_group_accumulate over the part's values
 *   in order, in as many consecutive slices as wanted (the same bits);
 *   hpcs_group_finish(tables of parts 0..nparts-1, back to back, ...): merges
 *   them into the first table (overwritten) and writes ngroups results
 *   (count: as doubles).  op is an hpcs_group_op; var/std use ddof. */
typedef enum hpcs_group_op {
    HPCS_GROUP_SUM = 0,
    HPCS_GROUP_MEAN = 1,
    HPCS_GROUP_VAR = 2,
    HPCS_GROUP_STD = 3,
    HPCS_GROUP_MIN = 4,
    HPCS_GROUP_MAX = 5,
    HPCS_GROUP_COUNT = 6,
    HPCS_GROUP_OP_COUNT = 7
} hpcs_group_op;
hpcs_status hpcs_group_parts(int64_t n, int64_t ngroups, int64_t *part_len, int64_t *nparts);
hpcs_status hpcs_group_table_init(int64_t ngroups, int32_t op, double *table);
hpcs_status hpcs_group_accumulate_f64(const double *x, const int64_t *codes, int64_t len, int64_t ngroups, int32_t op, uint32_t flags, double *table);
hpcs_status hpcs_group_accumulate_f32(const float *x, const int64_t *codes, int64_t len, int64_t ngroups, int32_t op, uint32_t flags, double *table);
hpcs_status hpcs_group_finish(double *tables, int64_t ntables, int64_t ngroups, int32_t op, int64_t ddof, double *out);
/* ---- Exponential windows, rolling co-moments and z-scores ------------------
 * ewma/ewmvar/ewmstd: pandas Series.ewm(alpha=alpha, adjust, ignore_na,
 * min_periods).mean()/.var(bias)/.std(bias) along i, step for step (one
 * pass; a West-style update of mean and centred moment).  0 < alpha <= 1
 * (pandas: alpha = 1 / (1 + com)); min_periods >= 0 (0 counts as 1, as
 * pandas); NaN and +-inf are missing (as pandas); flags: HPCS_EWM_*.
 * out has x's layout and dtype.                                            */
enum {
    HPCS_EWM_ADJUST = 4,    /* pandas adjust=True */
    HPCS_EWM_IGNORE_NA = 8, /* pandas ignore_na=True */
    HPCS_EWM_BIAS = 16      /* var/std: bias=True (no bias correction) */
};
hpcs_status hpcs_ewma_f64(const double *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, double *out);
hpcs_status hpcs_ewma_f32(const float *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, float *out);
hpcs_status hpcs_ewmvar_f64(const double *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, double *out);
hpcs_status hpcs_ewmvar_f32(const float *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, float *out);
hpcs_status hpcs_ewmstd_f64(const double *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, double *out);
hpcs_status hpcs_ewmstd_f32(const float *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, float *out);
/* Resumable ewm: the same operations on series given in consecutive pieces
 * (a stream, or the chunks of a Dask array): running the pieces in order,
 * each from the state the previous one left, gives the bits of one call on
 * the whole series.  state holds HPCS_EWM_STATE doubles per line, outer *
 * inner lines in (o, j) order (line (o, j) at state[(o * inner + j) *
 * HPCS_EWM_STATE]): the shift (NaN before the first observation), the
 * count of valid values so far (nobs), the last mean and variance, a gap
 * flag, the count of steps so far, then the last eight terms and inputs of
 * each of the four recurrences (see ewm_body.h); both counts are integers
 * in [0, 2^53] (else HPCS_ERR_ARG, nothing run).  Each line starts from
 * its state and ends with it updated;
 * out is as hpcs_ewma_*'s.  A series starts from the blank state (shift,
 * mean and variance NaN, the rest 0; hpcs_ewm_blank writes
 * it).  A state belongs to one operation (ewma's, or ewmvar's and
 * ewmstd's, which share it) and one alpha and flags; min_periods may differ
 * between pieces.                                                          */
enum {
    HPCS_EWM_STATE = 70     /* doubles of state per line */
};
hpcs_status hpcs_ewm_blank(double *state, int64_t lines);
hpcs_status hpcs_ewma_resume_f64(const double *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, double *state, double *out);
hpcs_status hpcs_ewma_resume_f32(const float *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, double *state, float *out);
hpcs_status hpcs_ewmvar_resume_f64(const double *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, double *state, double *out);
hpcs_status hpcs_ewmvar_resume_f32(const float *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, double *state, float *out);
hpcs_status hpcs_ewmstd_resume_f64(const double *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, double *state, double *out);
hpcs_status hpcs_ewmstd_resume_f32(const float *x, int64_t outer, int64_t n, int64_t inner, double alpha, int64_t min_periods, uint32_t flags, double *state, float *out);

/* Rolling covariance / correlation of x and y (same layout), windows and
 * flags as the rolling operations above: a position counts only where
 * both x and y are finite (as pandas: NaN and +-inf are missing).
 * cov = C_xy / (count - ddof), NaN when count <= ddof; corr =
 * C_xy / sqrt(C_xx * C_yy), NaN when a spread is zero.  O(n) whatever the window (block prefix/suffix scans of shifted
 * co-moments: no drift).  out has x's layout and dtype.
 * rolling_zscore: (x - rolling_mean) / rolling_std(ddof) in one pass, NaN
 * where the window's spread is zero or x is NaN.                            */
hpcs_status hpcs_rolling_cov_f64(const double *x, const double *y, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_rolling_cov_f32(const float *x, const float *y, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, int64_t ddof, uint32_t flags, float *out);
hpcs_status hpcs_rolling_corr_f64(const double *x, const double *y, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, double *out);
hpcs_status hpcs_rolling_corr_f32(const float *x, const float *y, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, float *out);
hpcs_status hpcs_rolling_zscore_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs_rolling_zscore_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, int64_t ddof, uint32_t flags, float *out);
/* rolling_robust_zscore: (x - rolling_median) / (1.482602218505602 *
 * rolling_mad) from the MAD's own O(n log window) sweep; NaN where the MAD
 * is zero or x is NaN.                                                      */
hpcs_status hpcs_rolling_robust_zscore_f64(const double *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, double *out);
hpcs_status hpcs_rolling_robust_zscore_f32(const float *x, int64_t outer, int64_t n, int64_t inner, int64_t window, int64_t min_periods, uint32_t flags, float *out);

/* HPCS_CDEF_END */

#ifdef __cplusplus
}
#endif

#endif /* HPCS_H */
