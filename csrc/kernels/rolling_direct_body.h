/*
 * rolling_direct_body.h — for element type T, the direct path of
 * rolling_body.h: sum and mean with windows up to ROLLING_DIRECT_MAX.
 *
 * Each output is the plain sum of its window's values in series order,
 * computed for ROLLING_DIRECT_LANES consecutive outputs side by side (lane
 * l adds x[e+l-w+1+k] at step k: unaligned vector loads, enough
 * independent chains to hide the add latency, no transposes).  ~w adds a
 * value instead of the blocks' scans and two transposes: see
 * ROLLING_DIRECT_MAX.  Still nothing accumulates along the series, and
 * each output's arithmetic is the same whatever the lane, clone or split.
 * "Blocks" (job->block) are here runs of ROLLING_DIRECT_RUN outputs, the
 * units of the task split.
 * Instantiated through rolling_body.h (no include guard).
 */

/* Outputs of the `lanes` windows ending at e0 .. e0+lanes-1, all inside the
 * series (x[e0-w+1 ..] on).  `counted` 0 treats every value as valid and
 * returns whether an output came out NaN: then a NaN (or inf - inf) is in
 * some window and the caller redoes them counted.  Without NaN both give
 * the same bits (a valid value adds itself either way). */
HPCS_INLINE int HPCS_T(rolling_direct_lanes)(const HPCS_T(rolling_job) *job, int64_t e0,
                                             const int lanes, const int op, const int counted)
{
    enum { E = ROLLING_DIRECT_LANES };
    const int64_t w = job->a->window;
    const T *restrict xs = job->x + e0 - w + 1;
    T *restrict out = job->out + e0 - job->a->offset;
    double c[E], s[E], unused = 0.0;
    /* The first step apart: zeroing the arrays first became a rep stos,
     * a large share of the time at these sizes. */
    for (int l = 0; l < lanes; l++) {
        const double v = (double)xs[l], ok = counted && v != v ? 0.0 : 1.0;
        c[l] = ok, s[l] = 0.0 + (ok != 0.0 ? v : 0.0);
    }
    for (int64_t k = 1; k < w; k++)
        for (int l = 0; l < lanes; l++)
            agg_add(&c[l], &s[l], &unused, (double)xs[k + l], 0.0, op, counted);
    for (int l = 0; l < lanes; l++)
        out[l] = (T)agg_window(0.0, 0.0, 0.0, c[l], s[l], 0.0, job->a, op, counted, (double)w);
    if (counted) return 0;
    int64_t nan_out = 0; /* as wide as a double: the compares need no packing */
    for (int l = 0; l < lanes; l++) nan_out |= s[l] != s[l] ? -1 : 0;
    return nan_out != 0;
}

/* The output of the window ending at e, which may reach outside the series. */
HPCS_INLINE void HPCS_T(rolling_direct_edge)(const HPCS_T(rolling_job) *job, int64_t e,
                                             const int op)
{
    const int64_t w = job->a->window;
    double c = 0.0, s = 0.0, unused = 0.0;
    for (int64_t j = e - w + 1 > 0 ? e - w + 1 : 0; j <= e && j < job->n; j++)
        agg_add(&c, &s, &unused, (double)job->x[j], 0.0, op, 1);
    job->out[e - job->a->offset] = (T)agg_window(0.0, 0.0, 0.0, c, s, 0.0, job->a, op, 1, 0.0);
}

/* Outputs of the windows ending in runs [first, last) of ROLLING_DIRECT_RUN
 * ends (only ends in [offset, span) are written). */
HPCS_INLINE hpcs_status HPCS_T(rolling_direct)(const HPCS_T(rolling_job) *job, int64_t first,
                                               int64_t last, const int op)
{
    enum { E = ROLLING_DIRECT_LANES };
    const int64_t w = job->a->window, run = job->block;
    const int64_t lo = first * run > job->a->offset ? first * run : job->a->offset;
    const int64_t hi = last * run < job->span ? last * run : job->span;
    /* Ends [inside, inside_end) have their whole window in [0, n). */
    const int64_t inside = w - 1 < lo ? lo : w - 1 > hi ? hi : w - 1;
    const int64_t inside_end = job->n < inside ? inside : job->n > hi ? hi : job->n;
    for (int64_t e = lo; e < inside; e++) HPCS_T(rolling_direct_edge)(job, e, op);
    /* Uncounted first, unless the window was cut to the series (see
     * hpcs__rolling_layout) below min_periods. */
    const int full = job->a->min_periods <= w;
    int64_t e = inside;
    for (; e + E <= inside_end; e += E) {
        if (e + ROLLING_DIRECT_AHEAD + E <= inside_end) /* then out[.. - offset] is too */
            rolling_prefetch(job->x + e + ROLLING_DIRECT_AHEAD,
                             job->out + e + ROLLING_DIRECT_AHEAD - job->a->offset, 0,
                             E * (int64_t)sizeof(T));
        if (!full || HPCS_T(rolling_direct_lanes)(job, e, E, op, 0))
            HPCS_T(rolling_direct_lanes)(job, e, E, op, 1);
    }
    /* The last ends short of a full set of lanes: the set ending at
     * inside_end, overlapping ends already written (each output's
     * arithmetic is the same whatever its lane: same bits, and a short
     * series' tail is not one scalar window per end). */
    if (e < inside_end && inside_end - inside >= E) {
        e = inside_end - E;
        if (!full || HPCS_T(rolling_direct_lanes)(job, e, E, op, 0))
            HPCS_T(rolling_direct_lanes)(job, e, E, op, 1);
        e = inside_end;
    }
    for (; e < inside_end; e++)
        if (!full || HPCS_T(rolling_direct_lanes)(job, e, 1, op, 0))
            HPCS_T(rolling_direct_lanes)(job, e, 1, op, 1);
    for (e = inside_end; e < hi; e++) HPCS_T(rolling_direct_edge)(job, e, op);
    return HPCS_OK;
}
