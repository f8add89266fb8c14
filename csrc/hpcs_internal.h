/*
 * hpcs_internal.h — shared by the library's C files, never installed.
 *
 * Every kernel family implements *1-D kernels*: one contiguous series in,
 * one slice's result(s) out.  The layout drivers in layout.c turn the public
 * (outer, n, inner) description into calls of those kernels, gathering
 * strided columns into scratch when inner > 1, so no kernel handles strides.
 */
#ifndef HPCS_INTERNAL_H
#define HPCS_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "hpcs.h"

/* ---- ISA clones ---------------------------------------------------------
 * The one list of clones.  Put HPCS_CLONES on the outer kernel function
 * only; helpers are HPCS_INLINE so that every clone gets its own copy.
 * The order of hpcs__active_isa() in isa.c must follow this list.        */
#if defined(HPCS_FORCE_TARGET)
#define HPCS_CLONES __attribute__((target(HPCS_FORCE_TARGET)))
#elif defined(HPCS_HAVE_TARGET_CLONES) && defined(HPCS_HAVE_AVX512_CLONE)
#define HPCS_CLONES __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#elif defined(HPCS_HAVE_TARGET_CLONES)
#define HPCS_CLONES __attribute__((target_clones("default", "arch=x86-64-v3")))
#else
#define HPCS_CLONES
#endif

#if defined(__AVX__)
/* The baseline must stay SSE2: wider ISAs come only through the clones. */
#error "compile libhpcs_core without -mavx/-march: ISAs are selected by target_clones"
#endif

#define HPCS_INLINE static inline __attribute__((always_inline))

/* Marks the definition of a public entry point (the build hides the rest). */
#define HPCS_API __attribute__((visibility("default")))

int32_t hpcs__active_isa(void);

/* ---- dtype templates ------------------------------------------------------
 * A family's kernels live in <family>_body.h, written once for an element
 * type T and included twice by <family>.c, with T = double, SFX = f64 and
 * T = float, SFX = f32.  HPCS_T(name) gives name_f64 / name_f32.          */
#define HPCS_CAT_(a, b) a##_##b
#define HPCS_CAT(a, b) HPCS_CAT_(a, b)
#define HPCS_T(name) HPCS_CAT(name, SFX)

/* ---- Threads (threads.c) -------------------------------------------------
 * Work is cut into chunks of HPCS_CHUNK elements, whatever the thread
 * count, and partial results are combined in chunk order: the bits never
 * depend on how many threads ran.                                          */
#define HPCS_CHUNK ((int64_t)1 << 16)

typedef hpcs_status (*hpcs__task_fn)(void *ctx, int64_t task);

/* Threads to use for `elements` elements of `family` split into `ntasks`
 * independent tasks (1 below the family's threshold). */
int64_t hpcs__plan(int32_t family, int64_t elements, int64_t ntasks);
/* Run fn(ctx, task) for task in [0, ntasks) on up to nthreads threads (the
 * caller's included; nthreads <= 1: all on the caller); returns the first
 * failing status, else HPCS_OK. */
hpcs_status hpcs__parallel_for(int64_t nthreads, int64_t ntasks, hpcs__task_fn fn, void *ctx);
/* The same for tasks that write `out_bytes` of `out`, task t about its t-th
 * share in order: the caller faults the output in ahead of the other
 * threads (see threads.c). */
hpcs_status hpcs__parallel_for_output(int64_t nthreads, int64_t ntasks, hpcs__task_fn fn,
                                      void *ctx, void *out, size_t out_bytes);
/* ---- Task splitting (every kernel family) ------------------------------
 * A series is cut into units of a fixed length (reductions and selection:
 * chunks of HPCS_CHUNK elements; rolling kernels: blocks or chunks of
 * positions) and a task takes a run of whole units.  The cut never depends
 * on the thread count, only how many units a task takes, and every unit's
 * result depends on the cut alone: the bits do not depend on the split. */

/* Chunks of HPCS_CHUNK elements in n elements (at least one). */
HPCS_INLINE int64_t hpcs__nchunks(int64_t n)
{
    return n > 0 ? (n - 1) / HPCS_CHUNK + 1 : 1; /* no overflow for n near INT64_MAX */
}

/* nunits units split into ntasks runs of per_task units (the last shorter). */
typedef struct hpcs__split {
    int64_t nunits, per_task, ntasks;
} hpcs__split;

/* The split of nunits units of unit_len positions for nthreads threads:
 * all of them in one task on one thread, else enough units for HPCS_CHUNK
 * positions a task, rounded up to a multiple of `multiple` units (whole
 * groups of units, where a kernel works on groups). */
HPCS_INLINE hpcs__split hpcs__split_units(int64_t nunits, int64_t unit_len, int64_t multiple,
                                          int64_t nthreads)
{
    int64_t per = nunits;
    if (nthreads > 1) {
        per = 1 + (HPCS_CHUNK - 1) / unit_len; /* ceil, without overflow */
        per = (per + multiple - 1) / multiple * multiple;
        if (per > nunits) per = nunits;
    }
    return (hpcs__split){nunits, per, (nunits + per - 1) / per};
}

/* Units [*first, *last) of task t. */
HPCS_INLINE void hpcs__task_units(const hpcs__split *s, int64_t t, int64_t *first, int64_t *last)
{
    *first = t * s->per_task;
    *last = *first + s->per_task < s->nunits ? *first + s->per_task : s->nunits;
}

/* ---- 1-D kernels --------------------------------------------------------*/

/* Parameters of a reduction kernel (unused ones are ignored). */
typedef struct hpcs__reduce_args {
    uint32_t flags;          /* HPCS_SKIPNA */
    int64_t ddof;            /* var/std */
    double scale;            /* mad */
    const double *q;         /* quantile: nq probabilities in [0, 1] */
    int64_t nq;
    int32_t method;          /* hpcs_quantile_method */
    int64_t nthreads;        /* set by the driver: threads the kernel may use */
} hpcs__reduce_args;

/* Reduce x[0..n) (element type float or double; mask NULL or uint8,
 * nonzero = include) and write the slice's results to out[k * out_stride],
 * k < (number of results: 1, or nq for quantile). */
typedef hpcs_status (*hpcs__reduce1d_fn)(const void *x, const uint8_t *mask, int64_t n,
                                         const hpcs__reduce_args *a, double *out,
                                         int64_t out_stride);

/* Parameters of a rolling kernel. */
typedef struct hpcs__rolling_args {
    int64_t window;          /* >= 1 */
    int64_t min_periods;     /* 1 <= min_periods <= window */
    int64_t offset;          /* 0, or (window-1)/2 with HPCS_CENTER */
    int64_t ddof;            /* var/std */
    double scale;            /* mad */
    double q;                /* quantile, in [0, 1] */
    int32_t method;          /* quantile: hpcs_quantile_method */
    int64_t nthreads;        /* set by the driver: threads the kernel may use */
    /* Exponential windows (ewm_body.h): pandas' com-derived alpha, its
     * min_periods (>= 0), flags HPCS_EWM_*. */
    double alpha;
    int64_t ewm_min_periods;
    uint32_t ewm_flags;
    /* Resumable ewm (hpcs_ewm*_resume): NULL, or the states of the lines,
     * HPCS_EWM_STATE doubles per line in (o, j) order; the layout driver
     * hands each line's kernel call a copy pointing at that line's. */
    double *ewm_state;
} hpcs__rolling_args;

/* Rolling kernel over x[0..n) into out[0..n) (same element type).
 * Output i summarises the window ending at e = i + offset, i.e. the indices
 * [e - window + 1, e] clipped to [0, n); NaN counts as missing and the
 * output is NaN where fewer than min_periods valid values remain. */
typedef hpcs_status (*hpcs__rolling1d_fn)(const void *x, int64_t n, const hpcs__rolling_args *a,
                                          void *out);

/* A series op over x[0..n) (and y[0..n) when it takes two inputs) into
 * out[0..n) (x's element type): exponential windows, rolling co-moments. */
typedef hpcs_status (*hpcs__pair1d_fn)(const void *x, const void *y, int64_t n,
                                       const hpcs__rolling_args *a, void *out);

/* zscore's statistics (reduce_body.h): per slice, hpcs_mean's and
 * hpcs_std's bits, means to out[0 .. slices), stds after them. */
hpcs_status hpcs__meanstd_f64(const double *x, int64_t outer, int64_t n, int64_t inner,
                              int64_t ddof, uint32_t flags, double *out);
hpcs_status hpcs__meanstd_f32(const float *x, int64_t outer, int64_t n, int64_t inner,
                              int64_t ddof, uint32_t flags, double *out);

/* Layout drivers (layout.c): run fn over every slice, on several threads
 * when the input is above `family`'s threshold (hpcs_family). */
hpcs_status hpcs__reduce_layout(hpcs__reduce1d_fn fn, int32_t family, size_t elsize,
                                       const void *x, int64_t outer, int64_t n, int64_t inner,
                                       const uint8_t *mask, hpcs__reduce_args *a, int64_t nres,
                                       double *out);
hpcs_status hpcs__rolling_layout(hpcs__rolling1d_fn fn, int32_t family, size_t elsize,
                                        const void *x, int64_t outer, int64_t n, int64_t inner,
                                        int64_t window, int64_t min_periods, uint32_t flags,
                                        hpcs__rolling_args *a, void *out);

/* Check window/min_periods and set a->window (clipped to the series),
 * a->min_periods and a->offset, as hpcs__rolling_layout does. */
hpcs_status hpcs__rolling_window(hpcs__rolling_args *a, int64_t n, int64_t window,
                                 int64_t min_periods, uint32_t flags);
/* Run fn over every slice of x (and of y, same layout, when not NULL);
 * the caller has set a's parameters. */
hpcs_status hpcs__pair_layout(hpcs__pair1d_fn fn, int32_t family, size_t elsize, const void *x,
                              const void *y, int64_t outer, int64_t n, int64_t inner,
                              hpcs__rolling_args *a, void *out);

/* ---- Shared numeric helpers ---------------------------------------------*/

/* Position of probability q among `count` sorted values, as numpy.quantile
 * `method`: the result is sorted[lo] + frac * (sorted[hi] - sorted[lo])
 * (with hi == lo + 1 or hi == lo). count >= 1. */
HPCS_INLINE void hpcs__quantile_pos(double q, int64_t count, int32_t method, int64_t *lo,
                                    int64_t *hi, double *frac)
{
    double pos = q * (double)(count - 1);
    double fl = floor(pos);
    int64_t l = (int64_t)fl;
    if (l > count - 1) l = count - 1;
    if (l < 0) l = 0;
    int64_t h = l + 1 < count ? l + 1 : l;
    double f = pos - fl;
    switch (method) {
    case HPCS_Q_LOWER: h = l; f = 0.0; break;
    case HPCS_Q_HIGHER: if (f > 0.0) l = h; else h = l; f = 0.0; break;
    case HPCS_Q_MIDPOINT: if (f > 0.0) f = 0.5; else h = l; break;
    case HPCS_Q_NEAREST: {
        /* numpy rounds half to even. */
        double r = nearbyint(pos);
        l = h = (int64_t)r;
        f = 0.0;
        break;
    }
    default: break; /* linear */
    }
    *lo = l;
    *hi = h;
    *frac = f;
}

/* numpy's linear interpolation between a and b (numpy _lerp: exact at the
 * ends and monotone). */
HPCS_INLINE double hpcs__lerp(double a, double b, double t)
{
    double diff = b - a;
    double r = t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
    return (a == b) ? a : r;
}

#endif /* HPCS_INTERNAL_H */
