/*
 * rolling_series_body.h — for element type T, what the three paths of
 * rolling_body.h share: a series' job (its cut into blocks or runs), var/
 * std's shift, and moving lanes of transposed scratch in and out.
 * Instantiated through rolling_body.h (no include guard).
 */
/* Shift for the block starting at `start`: the first finite value from
 * there on, else the last one before it, else 0. */
HPCS_INLINE double HPCS_T(block_shift)(const T *x, int64_t n, int64_t start)
{
    for (int64_t i = start; i < n; i++)
        if (isfinite((double)x[i])) return (double)x[i];
    for (int64_t i = (start < n ? start : n) - 1; i >= 0; i--)
        if (isfinite((double)x[i])) return (double)x[i];
    return 0.0;
}

/* Lane of scratch xt (row stride `stride`) for the edge of a series: rows
 * [0, len) from x[start ..], NaN where outside [0, n), then NaN up to row
 * `rows`.  No conditional loads: they vectorize into masked loads, which
 * qemu-user 7.2 emulates without suppressing faults.  Returns whether
 * every row below len was inside [0, n) and not NaN. */
HPCS_INLINE int HPCS_T(rolling_load_lane)(const T *x, int64_t n, int64_t start, int64_t len,
                                          int64_t rows, double *xt, int64_t stride)
{
    const int64_t lo = start >= 0 ? 0 : -start < len ? -start : len;
    int64_t hi = n - start < len ? n - start : len;
    if (hi < lo) hi = lo;
    int clean = lo == 0 && hi == len;
    for (int64_t j = 0; j < lo; j++) xt[j * stride] = NAN;
    for (int64_t j = lo; j < hi; j++) {
        const double v = (double)x[start + j];
        clean &= v == v;
        xt[j * stride] = v;
    }
    for (int64_t j = hi; j < rows; j++) xt[j * stride] = NAN;
    return clean;
}

/* Block geometry of a series: window ends e run over [0, span), cut into
 * blocks of `block` positions (the window, or the whole span if shorter). */
typedef struct HPCS_T(rolling_job) {
    const T *x;
    T *out;
    int64_t n, span, block;
    hpcs__split split; /* units: the blocks */
    int64_t sub, nsub; /* sub-blocks (nsub > 1: see rolling_sub_blocks) */
    const hpcs__rolling_args *a;
} HPCS_T(rolling_job);

/* Rows [0, rows) of a lane of scratch xt (row stride `stride`), the outputs
 * of the windows ending at start .., go to out[end - offset] for the ends
 * in [offset, span). */
HPCS_INLINE void HPCS_T(rolling_store_lane)(const HPCS_T(rolling_job) *job, int64_t start,
                                            int64_t rows, const double *xt, int64_t stride)
{
    const int64_t offset = job->a->offset;
    const int64_t j0 = offset - start > 0 ? offset - start : 0;
    const int64_t j1 = job->span - start < rows ? job->span - start : rows;
    for (int64_t j = j0; j < j1; j++) job->out[start + j - offset] = (T)xt[j * stride];
}
