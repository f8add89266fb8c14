/*
 * Exponentially weighted mean / variance / std of one series, for element
 * type T: the recurrences of pandas Series.ewm(com, adjust, ignore_na,
 * min_periods).mean() / .var(bias) / .std(bias), step for step, so the
 * results are pandas' bits (computed in double, stored as T).  Like pandas,
 * +-inf is missing, as NaN is.
 *
 * The variance is pandas' ewmcov with y = x: a West-style weighted update
 * of the mean and of the mean-centred second moment, which never forms
 * sums of squares (no cancellation on 1e9 + N(0, 1) data).  One pass; a
 * series is inherently sequential, so threads split only batches of series
 * (the layout driver), and the bits never depend on the split.
 */
#ifndef EWM_DEFINED
#define EWM_DEFINED
enum ewm_op { EWM_MEAN, EWM_VAR, EWM_STD };

/* State of the recurrence (pandas' names). */
typedef struct ewm_state {
    double mean, cov, sum_wt, sum_wt2, old_wt;
    int64_t nobs;
} ewm_state;

/* pandas ewma: one step with value `cur` (NaN = missing). */
HPCS_INLINE void ewm_mean_step(ewm_state *s, double cur, double factor, double new_wt,
                               int adjust, int ignore_na)
{
    const int obs = cur == cur;
    s->nobs += obs;
    if (s->mean == s->mean) {
        if (obs || !ignore_na) {
            s->old_wt *= factor;
            if (obs) {
                if (s->mean != cur) { /* pandas: no rounding on a constant series */
                    s->mean = s->old_wt * s->mean + new_wt * cur;
                    s->mean = s->mean / (s->old_wt + new_wt);
                }
                s->old_wt = adjust ? s->old_wt + new_wt : 1.0;
            }
        }
    } else if (obs) {
        s->mean = cur;
    }
}

/* pandas ewmcov with y = x: one step. */
HPCS_INLINE void ewm_var_step(ewm_state *s, double cur, double factor, double new_wt,
                              int adjust, int ignore_na)
{
    const int obs = cur == cur;
    s->nobs += obs;
    if (s->mean == s->mean) {
        if (obs || !ignore_na) {
            s->sum_wt *= factor;
            s->sum_wt2 *= factor * factor;
            s->old_wt *= factor;
            if (obs) {
                const double old_mean = s->mean;
                if (s->mean != cur)
                    s->mean = (s->old_wt * old_mean + new_wt * cur) / (s->old_wt + new_wt);
                const double dm = old_mean - s->mean, dc = cur - s->mean;
                s->cov = (s->old_wt * (s->cov + dm * dm) + new_wt * (dc * dc)) /
                         (s->old_wt + new_wt);
                s->sum_wt += new_wt;
                s->sum_wt2 += new_wt * new_wt;
                s->old_wt += new_wt;
                if (!adjust) {
                    s->sum_wt /= s->old_wt;
                    s->sum_wt2 /= s->old_wt * s->old_wt;
                    s->old_wt = 1.0;
                }
            }
        }
    } else if (obs) {
        s->mean = cur;
    }
}

/* The variance of the current state: pandas' bias correction
 * sum_wt^2 / (sum_wt^2 - sum_wt2), NaN when that is not positive.  With
 * one observation the exact denominator is 0, but pandas' separately
 * decayed sum_wt and sum_wt2 can round to a tiny positive one (0 instead of
 * NaN, depending on alpha); counting observations gives the exact answer. */
HPCS_INLINE double ewm_var_value(const ewm_state *s, int bias)
{
    if (bias) return s->cov;
    if (s->nobs < 2) return NAN;
    const double num = s->sum_wt * s->sum_wt, den = num - s->sum_wt2;
    return den > 0.0 ? num / den * s->cov : NAN;
}

/* The state before a series' first value: applying a step to it gives
 * pandas' special-cased first output (mean = x[0], var NaN or 0). */
#define EWM_BLANK ((ewm_state){.mean = NAN, .cov = 0.0, .sum_wt = 1.0, .sum_wt2 = 1.0, \
                               .old_wt = 1.0, .nobs = 0})

HPCS_INLINE ewm_state ewm_state_load(const double *p)
{
    return (ewm_state){.mean = p[0], .cov = p[1], .sum_wt = p[2], .sum_wt2 = p[3],
                       .old_wt = p[4], .nobs = (int64_t)p[5]};
}

HPCS_INLINE void ewm_state_store(double *p, const ewm_state *s)
{
    p[0] = s->mean;
    p[1] = s->cov;
    p[2] = s->sum_wt;
    p[3] = s->sum_wt2;
    p[4] = s->old_wt;
    p[5] = (double)s->nobs;
}

HPCS_API hpcs_status hpcs_ewm_blank(double *state, int64_t lines)
{
    if (lines < 0 || lines > INT64_MAX / HPCS_EWM_STATE) return HPCS_ERR_ARG;
    if (state == NULL && lines > 0) return HPCS_ERR_NULL;
    const ewm_state blank = EWM_BLANK;
    for (int64_t i = 0; i < lines; i++) ewm_state_store(state + i * HPCS_EWM_STATE, &blank);
    return HPCS_OK;
}

/* The entry points: check the arguments, then run fn over every line, from
 * the lines' states (resumable calls) or, state NULL, from the blank state.
 * Every line's nobs must be an integer in [0, 2^53], so that its
 * conversion to int64 is exact and defined. */
static hpcs_status ewm_call(hpcs__pair1d_fn fn, size_t elsize, const void *x, int64_t outer,
                            int64_t n, int64_t inner, double alpha, int64_t min_periods,
                            uint32_t flags, double *state, void *out)
{
    if (!(alpha > 0.0 && alpha <= 1.0) || min_periods < 0) return HPCS_ERR_ARG;
    if (state) {
        int64_t lines;
        if (outer < 0 || inner < 0 || __builtin_mul_overflow(outer, inner, &lines) ||
            __builtin_mul_overflow(lines, (int64_t)HPCS_EWM_STATE, &lines))
            return HPCS_ERR_ARG;
        for (int64_t i = 5; i < lines; i += HPCS_EWM_STATE) {
            const double nobs = state[i];
            if (!(nobs >= 0.0 && nobs <= 0x1p53 && nobs == floor(nobs))) return HPCS_ERR_ARG;
        }
    }
    hpcs__rolling_args a = {.alpha = alpha, .ewm_min_periods = min_periods, .ewm_flags = flags,
                            .ewm_state = state};
    return hpcs__pair_layout(fn, HPCS_FAMILY_ROLLING, elsize, x, NULL, outer, n, inner, &a, out);
}
#endif

/* pandas' window operations read +-inf as missing (NaN). */
#define ewm_load(v) (isfinite((double)(v)) ? (double)(v) : NAN)

/* Run x[0..n) from a->ewm_state (this line's state, updated at the end), or
 * from the blank state when it is NULL. */
HPCS_INLINE hpcs_status HPCS_T(ewm_run)(const T *restrict x, int64_t n, const hpcs__rolling_args *a,
                                        T *restrict out, const int op)
{
    if (n == 0) return HPCS_OK;
    const double alpha = a->alpha, factor = 1.0 - alpha;
    const int adjust = (a->ewm_flags & HPCS_EWM_ADJUST) != 0;
    const int ignore_na = (a->ewm_flags & HPCS_EWM_IGNORE_NA) != 0;
    const int bias = (a->ewm_flags & HPCS_EWM_BIAS) != 0;
    /* pandas counts min_periods=0 as 1. */
    const int64_t minp = a->ewm_min_periods > 1 ? a->ewm_min_periods : 1;
    const double new_wt = adjust ? 1.0 : alpha;
    ewm_state s = a->ewm_state ? ewm_state_load(a->ewm_state) : EWM_BLANK;
    if (op == EWM_MEAN) {
        for (int64_t i = 0; i < n; i++) {
            ewm_mean_step(&s, ewm_load(x[i]), factor, new_wt, adjust, ignore_na);
            out[i] = (T)(s.nobs >= minp ? s.mean : NAN);
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            ewm_var_step(&s, ewm_load(x[i]), factor, new_wt, adjust, ignore_na);
            double r = s.nobs >= minp ? ewm_var_value(&s, bias) : NAN;
            if (op == EWM_STD) r = sqrt(r);
            out[i] = (T)r;
        }
    }
    if (a->ewm_state) ewm_state_store(a->ewm_state, &s);
    return HPCS_OK;
}

#define EWM_KERNEL(name, op)                                                                       \
    HPCS_CLONES static hpcs_status HPCS_T(name##_1d)(const void *x, const void *y, int64_t n,      \
                                                     const hpcs__rolling_args *a, void *out)       \
    {                                                                                              \
        (void)y;                                                                                   \
        return HPCS_T(ewm_run)(x, n, a, out, op);                                                  \
    }                                                                                              \
    HPCS_API hpcs_status HPCS_T(hpcs_##name##_resume)(const T *x, int64_t outer, int64_t n,        \
                                                      int64_t inner, double alpha,                 \
                                                      int64_t min_periods, uint32_t flags,         \
                                                      double *state, T *out)                       \
    {                                                                                              \
        if (state == NULL && outer > 0 && inner > 0) return HPCS_ERR_NULL;                         \
        return ewm_call(HPCS_T(name##_1d), sizeof(T), x, outer, n, inner, alpha, min_periods,     \
                        flags, state, out);                                                        \
    }                                                                                              \
    HPCS_API hpcs_status HPCS_T(hpcs_##name)(const T *x, int64_t outer, int64_t n, int64_t inner,  \
                                             double alpha, int64_t min_periods, uint32_t flags,    \
                                             T *out)                                               \
    {                                                                                              \
        return ewm_call(HPCS_T(name##_1d), sizeof(T), x, outer, n, inner, alpha, min_periods,     \
                        flags, NULL, out);                                                         \
    }
EWM_KERNEL(ewma, EWM_MEAN)
EWM_KERNEL(ewmvar, EWM_VAR)
EWM_KERNEL(ewmstd, EWM_STD)
#undef EWM_KERNEL
