/*
 * Scans along one contiguous series, for element type T (see cumulative.c):
 * cummin / cummax (numpy minimum/maximum.accumulate, or pandas skipna) and
 * ffill / bfill (pandas, with a limit).  The layout driver
 * (hpcs__rolling_layout, window 1) gathers strided columns and spreads many
 * series over threads.
 *
 * A single long series is cut into HPCS_CHUNK chunks scanned on their own
 * (in parallel), then each chunk is corrected with what the chunks before it
 * carry: the running extreme, or the last valid value and the gap since it.
 * Extremes and copies are exact, so the bits are those of one sequential
 * scan, whatever the thread count.
 *
 * hpcs__rolling_args fields used: method = CUM_* mode bits, ddof = fill
 * limit (0: none), nthreads.
 */
#ifndef CUMULATIVE_ONCE
#define CUMULATIVE_ONCE
enum { CUM_MAX = 1, CUM_SKIPNA = 2, CUM_BACKWARD = 4 };
#endif

/* ---- cummin / cummax ------------------------------------------------------ */

/* One step of the running extreme `run` by value v; returns the output.
 * skipna: NaN v is skipped and output as NaN.  Else NaN sticks forever. */
HPCS_INLINE T HPCS_T(cum_step)(T *run, T v, const int is_max, const int skipna)
{
    const int better = is_max ? v > *run : v < *run;
    if (skipna) {
        *run = better ? v : *run;
        return v != v ? v : *run;
    }
    *run = (better || v != v) ? v : *run;
    return *run;
}

HPCS_INLINE T HPCS_T(cum_scan)(const T *x, T *out, int64_t len, T run, const int is_max,
                               const int skipna)
{
    for (int64_t i = 0; i < len; i++) out[i] = HPCS_T(cum_step)(&run, x[i], is_max, skipna);
    return run;
}

typedef struct HPCS_T(cum_job) {
    const T *x;
    T *out;
    int64_t n;
    int mode;
    T *last;        /* per chunk: running extreme at its end (phase 1), carry (phase 2) */
} HPCS_T(cum_job);

#define CUM_DISPATCH(call_prefix, mode, ...)                                                      \
    (((mode) & CUM_MAX) ? (((mode) & CUM_SKIPNA) ? call_prefix(__VA_ARGS__, 1, 1)                 \
                                                 : call_prefix(__VA_ARGS__, 1, 0))                \
                        : (((mode) & CUM_SKIPNA) ? call_prefix(__VA_ARGS__, 0, 1)                 \
                                                 : call_prefix(__VA_ARGS__, 0, 0)))

HPCS_INLINE T HPCS_T(cum_init)(int mode)
{
    return (mode & CUM_MAX) ? (T)-INFINITY : (T)INFINITY;
}

HPCS_CLONES static hpcs_status HPCS_T(cum_phase1)(void *ctx, int64_t c)
{
    const HPCS_T(cum_job) *job = ctx;
    const int64_t s = c * HPCS_CHUNK, len = job->n - s < HPCS_CHUNK ? job->n - s : HPCS_CHUNK;
    job->last[c] = CUM_DISPATCH(HPCS_T(cum_scan), job->mode, job->x + s, job->out + s, len,
                                HPCS_T(cum_init)(job->mode));
    return HPCS_OK;
}

HPCS_INLINE void HPCS_T(cum_fix)(T *out, int64_t len, T carry, const int is_max, const int skipna)
{
    for (int64_t i = 0; i < len; i++) {
        T run = carry;
        out[i] = HPCS_T(cum_step)(&run, out[i], is_max, skipna);
    }
}

HPCS_CLONES static hpcs_status HPCS_T(cum_phase2)(void *ctx, int64_t c)
{
    const HPCS_T(cum_job) *job = ctx;
    if (c == 0) return HPCS_OK;
    const int64_t s = c * HPCS_CHUNK, len = job->n - s < HPCS_CHUNK ? job->n - s : HPCS_CHUNK;
    CUM_DISPATCH(HPCS_T(cum_fix), job->mode, job->out + s, len, job->last[c]);
    return HPCS_OK;
}

HPCS_CLONES static hpcs_status HPCS_T(cum_1d)(const void *xv, int64_t n,
                                              const hpcs__rolling_args *a, void *outv)
{
    const T *x = xv;
    T *out = outv;
    const int mode = a->method;
    const int64_t nchunks = (n + HPCS_CHUNK - 1) / HPCS_CHUNK;
    if (a->nthreads <= 1 || nchunks < 2) {
        (void)CUM_DISPATCH(HPCS_T(cum_scan), mode, x, out, n, HPCS_T(cum_init)(mode));
        return HPCS_OK;
    }
    T *last = malloc((size_t)nchunks * sizeof(T));
    if (last == NULL) return HPCS_ERR_NOMEM;
    HPCS_T(cum_job) job = {.x = x, .out = out, .n = n, .mode = mode, .last = last};
    hpcs_status st = hpcs__parallel_for_output(a->nthreads, nchunks, HPCS_T(cum_phase1), &job,
                                               out, (size_t)n * sizeof(T));
    if (st == HPCS_OK) {
        /* last[c] becomes the extreme of chunks 0..c-1 (the carry into c). */
        T run = HPCS_T(cum_init)(mode), prev = last[0];
        for (int64_t c = 1; c < nchunks; c++) {
            T mine = last[c];
            (void)CUM_DISPATCH(HPCS_T(cum_step), mode, &run, prev);
            last[c] = run;
            prev = mine;
        }
        st = hpcs__parallel_for(a->nthreads, nchunks, HPCS_T(cum_phase2), &job);
    }
    free(last);
    return st;
}

/* ---- ffill / bfill -------------------------------------------------------- */
/* Logical position i is physical i (ffill) or n - 1 - i (bfill). */

typedef struct HPCS_T(fill_state) {
    T value;        /* last valid value */
    int64_t gap;    /* NaNs since it */
    int have;       /* a valid value was seen */
} HPCS_T(fill_state);

/* cond ? a : b on the bits, so that the compiler cannot turn it back into
 * a branch (it does for a ?: on floating-point values). */
HPCS_INLINE T HPCS_T(fill_pick)(int cond, T a, T b)
{
    uint64_t ua = 0, ub = 0;
    const uint64_t m = (uint64_t)0 - (uint64_t)(cond != 0);
    memcpy(&ua, &a, sizeof a);
    memcpy(&ub, &b, sizeof b);
    const uint64_t r = (ua & m) | (ub & ~m);
    T out;
    memcpy(&out, &r, sizeof out);
    return out;
}

HPCS_INLINE void HPCS_T(fill_run)(const T *x, T *out, int64_t n, int64_t from, int64_t len,
                                  const int backward, int64_t limit, HPCS_T(fill_state) *s)
{
    if (limit == 0) {
        /* Without a limit, selects instead of branches: with NaNs at random
         * places a branch on each value's NaN-ness is mispredicted often. */
        T value = s->value;
        int64_t gap = s->gap;
        int have = s->have;
        for (int64_t i = from; i < from + len; i++) {
            const int64_t p = backward ? n - 1 - i : i;
            const T v = x[p];
            const int ok = v == v;
            value = HPCS_T(fill_pick)(ok, v, value);
            gap = (gap + 1) & ((int64_t)ok - 1); /* 0 after a value */
            have |= ok;
            out[p] = HPCS_T(fill_pick)(have, value, v);
        }
        s->value = value, s->gap = gap, s->have = have;
        return;
    }
    for (int64_t i = from; i < from + len; i++) {
        const int64_t p = backward ? n - 1 - i : i;
        const T v = x[p];
        if (v == v) {
            s->value = v, s->gap = 0, s->have = 1;
            out[p] = v;
        } else {
            s->gap++;
            out[p] = (s->have && s->gap <= limit) ? s->value : v;
        }
    }
}

/* fill_run with the direction a constant in each copy. */
HPCS_INLINE void HPCS_T(fill_scan)(const T *x, T *out, int64_t n, int64_t from, int64_t len,
                                   int backward, int64_t limit, HPCS_T(fill_state) *s)
{
    if (backward)
        HPCS_T(fill_run)(x, out, n, from, len, 1, limit, s);
    else
        HPCS_T(fill_run)(x, out, n, from, len, 0, limit, s);
}

typedef struct HPCS_T(fill_job) {
    const T *x;
    T *out;
    int64_t n, limit;
    int backward;
    HPCS_T(fill_state) *ends; /* per chunk: state at its end, scanned alone */
} HPCS_T(fill_job);

HPCS_CLONES static hpcs_status HPCS_T(fill_phase1)(void *ctx, int64_t c)
{
    const HPCS_T(fill_job) *job = ctx;
    const int64_t s = c * HPCS_CHUNK, len = job->n - s < HPCS_CHUNK ? job->n - s : HPCS_CHUNK;
    HPCS_T(fill_state) st = {0, 0, 0};
    HPCS_T(fill_scan)(job->x, job->out, job->n, s, len, job->backward, job->limit, &st);
    job->ends[c] = st;
    return HPCS_OK;
}

HPCS_CLONES static hpcs_status HPCS_T(fill_1d)(const void *xv, int64_t n,
                                               const hpcs__rolling_args *a, void *outv)
{
    const T *x = xv;
    T *out = outv;
    const int backward = (a->method & CUM_BACKWARD) != 0;
    const int64_t limit = a->ddof;
    const int64_t nchunks = (n + HPCS_CHUNK - 1) / HPCS_CHUNK;
    HPCS_T(fill_state) carry = {0, 0, 0};
    if (a->nthreads <= 1 || nchunks < 2) {
        HPCS_T(fill_scan)(x, out, n, 0, n, backward, limit, &carry);
        return HPCS_OK;
    }
    HPCS_T(fill_state) *ends = malloc((size_t)nchunks * sizeof *ends);
    if (ends == NULL) return HPCS_ERR_NOMEM;
    HPCS_T(fill_job) job = {.x = x, .out = out, .n = n, .limit = limit, .backward = backward,
                            .ends = ends};
    hpcs_status st = hpcs__parallel_for_output(a->nthreads, nchunks, HPCS_T(fill_phase1), &job,
                                               out, (size_t)n * sizeof(T));
    /* Only each chunk's leading NaNs depend on the chunks before it. */
    for (int64_t c = 0; c < nchunks && st == HPCS_OK; c++) {
        const int64_t s = c * HPCS_CHUNK, len = n - s < HPCS_CHUNK ? n - s : HPCS_CHUNK;
        for (int64_t i = s; i < s + len && carry.have; i++) {
            const int64_t p = backward ? n - 1 - i : i;
            if (x[p] == x[p]) break;
            const int64_t gap = carry.gap + (i - s) + 1;
            if (limit != 0 && gap > limit) break;
            out[p] = carry.value;
        }
        if (ends[c].have) {
            carry = ends[c];
        } else {
            carry.gap += len;
        }
    }
    free(ends);
    return st;
}

/* ---- public entry points ------------------------------------------------- */

static hpcs_status HPCS_T(scan)(hpcs__rolling1d_fn fn, const T *x, int64_t outer, int64_t n,
                                int64_t inner, int mode, int64_t limit, T *out)
{
    hpcs__rolling_args a = {.method = mode, .ddof = limit};
    return hpcs__rolling_layout(fn, HPCS_FAMILY_ROLLING, sizeof(T), x, outer, n, inner, 1, 1, 0,
                                &a, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_cummin)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                         uint32_t flags, T *out)
{
    return HPCS_T(scan)(HPCS_T(cum_1d), x, outer, n, inner,
                        (flags & HPCS_SKIPNA) ? CUM_SKIPNA : 0, 0, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_cummax)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                         uint32_t flags, T *out)
{
    return HPCS_T(scan)(HPCS_T(cum_1d), x, outer, n, inner,
                        CUM_MAX | ((flags & HPCS_SKIPNA) ? CUM_SKIPNA : 0), 0, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_ffill)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                        int64_t limit, T *out)
{
    if (limit < 0) return HPCS_ERR_ARG;
    return HPCS_T(scan)(HPCS_T(fill_1d), x, outer, n, inner, 0, limit, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_bfill)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                        int64_t limit, T *out)
{
    if (limit < 0) return HPCS_ERR_ARG;
    return HPCS_T(scan)(HPCS_T(fill_1d), x, outer, n, inner, CUM_BACKWARD, limit, out);
}
