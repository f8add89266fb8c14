/*
 * Exponentially weighted mean / variance / std of one series, for element
 * type T, with pandas Series.ewm(com, adjust, ignore_na, min_periods)
 * .mean() / .var(bias) / .std(bias) semantics (computed in double, stored
 * as T).  Like pandas, +-inf is missing, as NaN is.
 *
 * Values are shifted by c, the series' first observation (a constant series
 * gives exactly c and variance exactly 0), moved to the current mean every
 * EWM_BLOCK steps of the recurrences, counted from the series' start (so
 * the moves do not depend on where a call or chunk starts): the rounding of
 * x - c then follows the data's current magnitude, not its first value's
 * (a series that starts at 1e8 and settles near 1 keeps full relative
 * accuracy; the move, S -= (c' - c) W, is exact up to one rounding at the
 * current level).  The shifted weighted sum S, the
 * total weight W, the centred second moment C (West's update, all terms
 * >= 0: no cancellation on 1e9 + N(0, 1)) and the sum P of the products of
 * pairs of weights (P_t = d^2 P_{t-1} + w_t d W_{t-1}) are first-order linear
 * recurrences z_t = r z_{t-1} + u_t (r = d = 1 - alpha, d^2 for P); mean =
 * c + S/W, biased variance C/W, the unbiased one times pandas' W^2 /
 * (W^2 - sum w^2) = W^2 / 2P.  The divisions stay off the recurrences.
 *
 * Each recurrence runs lagged: z_t = d^8 z_{t-8} + sum_{j<8} d^j u_{t-j}, the
 * sum by doubling (u_t + d u_{t-1}, then + d^2 of that two back, then + d^4
 * of that four back).  Eight independent chains vectorise across t, and
 * every z_t is the same operations on z_{t-8} and u_{t-7..t} wherever a
 * call or block starts: the state between calls keeps the last eight z and
 * u of each recurrence, so pieces give the bits of one call.
 *
 * ignore_na=True runs the recurrences over the observations only.  At a
 * missing value the output is the last observation's (pandas' mean and
 * variance do not change there).  adjust=False with ignore_na=False
 * renormalises the weights after a gap (pandas' recurrence): that mode runs
 * step by step (ewm_serial).  A series is sequential: threads split batches
 * of series (the layout driver), and the bits never depend on the split.
 */
#ifndef EWM_DEFINED
#define EWM_DEFINED
enum ewm_op { EWM_MEAN, EWM_VAR, EWM_STD };

/* The state of one line (HPCS_EWM_STATE doubles): c (NaN until the first
 * observation), the count of observations, the last observation's shifted
 * mean and variance value, whether the last step was a gap after an
 * observation (the serial mode), the count of steps of the recurrences
 * (positions, or observations with ignore_na), then per recurrence (S, W,
 * C, P) its last eight z then its last eight u, oldest first. */
enum { EWM_C, EWM_NOBS, EWM_M, EWM_V, EWM_GAP, EWM_STEPS, EWM_H, EWM_LAG = 8,
       EWM_CHAIN = 2 * EWM_LAG };
enum { EWM_S, EWM_W, EWM_CM, EWM_P, EWM_NCHAINS };
_Static_assert(EWM_H + EWM_NCHAINS * EWM_CHAIN == HPCS_EWM_STATE, "ewm state layout");

/* Values of the recurrences computed per block (in cache; blocks end at
 * the multiples of EWM_BLOCK steps, where the shift moves), and the most
 * input positions a block of ignore_na=True spans. */
#define EWM_BLOCK 256
#define EWM_SPAN (4 * EWM_BLOCK)

HPCS_API hpcs_status hpcs_ewm_blank(double *state, int64_t lines)
{
    if (lines < 0 || lines > INT64_MAX / HPCS_EWM_STATE) return HPCS_ERR_ARG;
    if (state == NULL && lines > 0) return HPCS_ERR_NULL;
    for (int64_t i = 0; i < lines; i++) {
        double *s = state + i * HPCS_EWM_STATE;
        for (int k = 0; k < HPCS_EWM_STATE; k++) s[k] = 0.0;
        s[EWM_C] = s[EWM_M] = s[EWM_V] = NAN;
    }
    return HPCS_OK;
}

/* A count in a state: an integer in [0, 2^53], so that its conversion to
 * int64 is exact and defined. */
static int ewm_count_ok(double v) { return v >= 0.0 && v <= 0x1p53 && v == floor(v); }

/* The entry points: check the arguments, then run fn over every line, from
 * the lines' states (resumable calls) or, state NULL, from the blank state.
 * Every line's counts must pass ewm_count_ok. */
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
        for (int64_t i = 0; i < lines; i += HPCS_EWM_STATE)
            if (!ewm_count_ok(state[i + EWM_NOBS]) || !ewm_count_ok(state[i + EWM_STEPS]))
                return HPCS_ERR_ARG;
    }
    hpcs__rolling_args a = {.alpha = alpha, .ewm_min_periods = min_periods, .ewm_flags = flags,
                            .ewm_state = state};
    return hpcs__pair_layout(fn, HPCS_FAMILY_ROLLING, elsize, x, NULL, outer, n, inner, &a, out);
}

/* One recurrence over a block: z[0..n) from z[-8..-1] and u[-7..n), with
 * p = {d, d^2, d^4, d^8}; t1, t2 scratch valid from index -8. */
HPCS_INLINE void ewm_chain(double *restrict z, const double *restrict u, double *restrict t1,
                           double *restrict t2, int64_t n, const double p[4])
{
    const double p1 = p[0], p2 = p[1], p4 = p[2], p8 = p[3];
    for (int64_t k = -6; k < n; k++) t1[k] = u[k] + p1 * u[k - 1];
    for (int64_t k = -4; k < n; k++) t2[k] = t1[k] + p2 * t1[k - 2];
    for (int64_t k = 0; k < n; k++) z[k] = p8 * z[k - 8] + (t2[k] + p4 * t2[k - 4]);
}

/* a[j] for each missing x[j] (NaN) becomes a[last observation before j]
 * (a[-1] for none in the block): pandas' outputs do not change at a missing
 * value.  The index is selected without a branch (NaN places are random). */
HPCS_INLINE void ewm_repeat_last(double *a, const double *xb, int64_t k)
{
    for (int64_t j = 0, last = -1; j < k; j++) {
        last ^= (last ^ j) & -(int64_t)(xb[j] == xb[j]);
        a[j] = a[last];
    }
}

/* Move the shift c to c + m (m the last observation's shifted mean), at the
 * start of the steps numbered by a multiple of EWM_BLOCK; m becomes
 * m - (c' - c), and the caller takes (c' - c) W from S = sum w (x - c),
 * term by term of the terms it keeps (the recurrences are linear). */
HPCS_INLINE double ewm_move_shift(double *c, double *m)
{
    const double c1 = *c + *m, delta = c1 - *c;
    *m -= delta, *c = c1;
    return delta;
}

/* The unbiased variance from the biased one: pandas' correction
 * W^2 / (W^2 - W2), with W^2 - W2 = 2P (P the sum of the products of pairs
 * of weights, a recurrence of its own: no cancellation), NaN when P is 0
 * (one observation, or alpha = 1). */
HPCS_INLINE double ewm_unbias(double var, double w, double p)
{
    const double num = w * w, den = p + p;
    return den > 0.0 ? num / den * var : NAN;
}
#endif

/* pandas' window operations read +-inf as missing (NaN). */
#define ewm_load(v) (isfinite((double)(v)) ? (double)(v) : NAN)

/* The output of an operation from the shifted mean m and variance v. */
#define ewm_value(op, c, m, v) ((op) == EWM_MEAN ? (c) + (m) : (op) == EWM_VAR ? (v) : sqrt(v))

/* The lagged recurrences (every mode but adjust=False with ignore_na=False),
 * block by block, from and into the line's state st. */
HPCS_INLINE void HPCS_T(ewm_lagged)(const T *restrict x, int64_t n, double *restrict st,
                                    double alpha, int adjust, int ignore_na, int bias,
                                    int64_t mp, T *restrict out, const int op)
{
    const double d = 1.0 - alpha, nw = adjust ? 1.0 : alpha;
    double pw[2][4]; /* {d, d^2, d^4, d^8} and the same for d^2 (P) */
    pw[0][0] = d;
    for (int r = 0; r < 2; r++) {
        if (r) pw[1][0] = pw[0][1];
        for (int q = 1; q < 4; q++) pw[r][q] = pw[r][q - 1] * pw[r][q - 1];
    }
    const int nch = op == EWM_MEAN ? 2 : bias ? 3 : 4;
    double zb[EWM_NCHAINS][EWM_LAG + EWM_BLOCK], ub[EWM_NCHAINS][EWM_LAG + EWM_BLOCK];
    double t1b[EWM_LAG + EWM_BLOCK], t2b[EWM_LAG + EWM_BLOCK], xb[EWM_BLOCK];
    double mb[1 + EWM_BLOCK], vb[1 + EWM_BLOCK];
    int32_t seen[EWM_SPAN]; /* ignore_na: observations of the block up to each position */
    double *z[EWM_NCHAINS], *u[EWM_NCHAINS];
    double *const t1 = t1b + EWM_LAG, *const t2 = t2b + EWM_LAG;
    double *const m = mb + 1, *const v = vb + 1;
    for (int c = 0; c < EWM_NCHAINS; c++) {
        z[c] = zb[c] + EWM_LAG, u[c] = ub[c] + EWM_LAG;
        memcpy(z[c] - EWM_LAG, st + EWM_H + c * EWM_CHAIN, EWM_LAG * sizeof(double));
        memcpy(u[c] - EWM_LAG, st + EWM_H + c * EWM_CHAIN + EWM_LAG, EWM_LAG * sizeof(double));
    }
    double c0 = st[EWM_C];
    int64_t nobs = (int64_t)st[EWM_NOBS], steps = (int64_t)st[EWM_STEPS];
    m[-1] = st[EWM_M], v[-1] = st[EWM_V];
    for (int64_t i = 0, i1; i < n; i = i1) {
        int64_t k = 0; /* steps of the recurrences in this block */
        const int64_t kmax = EWM_BLOCK - steps % EWM_BLOCK;
        if (ignore_na) {
            for (i1 = i; i1 < n && k < kmax && i1 - i < EWM_SPAN; i1++) {
                const double xv = ewm_load(x[i1]);
                xb[k] = xv;
                k += xv == xv;
                seen[i1 - i] = (int32_t)k;
            }
        } else {
            i1 = n - i < kmax ? n : i + kmax;
            for (; k < i1 - i; k++) xb[k] = ewm_load(x[i + k]);
        }
        /* Once per multiple of EWM_BLOCK steps (a block of ignore_na=True
         * may take no step: k = 0). */
        if (k && steps % EWM_BLOCK == 0 && c0 == c0) {
            const double delta = ewm_move_shift(&c0, &m[-1]);
            for (int64_t j = -EWM_LAG; j < 0; j++) {
                z[EWM_S][j] -= delta * z[EWM_W][j];
                u[EWM_S][j] -= delta * u[EWM_W][j];
            }
        }
        steps += k;
        int64_t first = -1; /* the series' first observation, if in this block */
        if (c0 != c0)
            for (int64_t j = 0; j < k && first < 0; j++)
                if (xb[j] == xb[j]) c0 = xb[j], first = j;
        int64_t nmiss = 0;
        for (int64_t j = 0; j < k; j++) {
            const int o = xb[j] == xb[j];
            nmiss += !o;
            u[EWM_S][j] = o ? nw * (xb[j] - c0) : 0.0;
            u[EWM_W][j] = o ? nw : 0.0;
        }
        if (first >= 0) u[EWM_W][first] = 1.0; /* the first weight is 1 (adjust=False too) */
        ewm_chain(z[EWM_S], u[EWM_S], t1, t2, k, pw[0]);
        ewm_chain(z[EWM_W], u[EWM_W], t1, t2, k, pw[0]);
        for (int64_t j = 0; j < k; j++) m[j] = z[EWM_S][j] / z[EWM_W][j];
        if (nmiss) ewm_repeat_last(m, xb, k);
        if (op != EWM_MEAN) {
            const double *const w = z[EWM_W];
            for (int64_t j = 0; j < k; j++) {
                const double dm = m[j - 1] - m[j], dc = (xb[j] - c0) - m[j];
                u[EWM_CM][j] = xb[j] == xb[j] ? d * w[j - 1] * (dm * dm) + nw * (dc * dc) : 0.0;
            }
            if (first >= 0) u[EWM_CM][first] = 0.0;
            ewm_chain(z[EWM_CM], u[EWM_CM], t1, t2, k, pw[0]);
            if (bias) {
                for (int64_t j = 0; j < k; j++) v[j] = z[EWM_CM][j] / w[j];
            } else {
                for (int64_t j = 0; j < k; j++)
                    u[EWM_P][j] = xb[j] == xb[j] ? nw * (d * w[j - 1]) : 0.0;
                if (first >= 0) u[EWM_P][first] = 0.0;
                ewm_chain(z[EWM_P], u[EWM_P], t1, t2, k, pw[1]);
                for (int64_t j = 0; j < k; j++)
                    v[j] = ewm_unbias(z[EWM_CM][j] / w[j], w[j], z[EWM_P][j]);
            }
            if (nmiss) ewm_repeat_last(v, xb, k);
        }
        /* Outputs: a missing value repeats the last observation's. */
        if (!ignore_na || k == i1 - i) {
            if (nobs + (nmiss == 0) >= mp) { /* every output of the block is valid */
                for (int64_t j = 0; j < k; j++) out[i + j] = (T)ewm_value(op, c0, m[j], v[j]);
                nobs += k - nmiss;
            } else {
                for (int64_t j = 0; j < k; j++) {
                    nobs += xb[j] == xb[j];
                    out[i + j] = (T)(nobs >= mp ? ewm_value(op, c0, m[j], v[j]) : NAN);
                }
            }
        } else {
            for (int64_t j = 0; j < i1 - i; j++) {
                const int32_t kk = seen[j] - 1;
                out[i + j] = (T)(nobs + kk + 1 >= mp ? ewm_value(op, c0, m[kk], v[kk]) : NAN);
            }
            nobs += k;
        }
        for (int c = 0; c < nch; c++) {
            memmove(z[c] - EWM_LAG, z[c] + k - EWM_LAG, EWM_LAG * sizeof(double));
            memmove(u[c] - EWM_LAG, u[c] + k - EWM_LAG, EWM_LAG * sizeof(double));
        }
        if (k) m[-1] = m[k - 1];
        if (k && op != EWM_MEAN) v[-1] = v[k - 1]; /* ewma leaves v unwritten */
    }
    for (int c = 0; c < nch; c++) {
        memcpy(st + EWM_H + c * EWM_CHAIN, z[c] - EWM_LAG, EWM_LAG * sizeof(double));
        memcpy(st + EWM_H + c * EWM_CHAIN + EWM_LAG, u[c] - EWM_LAG, EWM_LAG * sizeof(double));
    }
    st[EWM_C] = c0, st[EWM_NOBS] = (double)nobs, st[EWM_M] = m[-1], st[EWM_V] = v[-1];
    st[EWM_STEPS] = (double)steps;
}

/* adjust=False with ignore_na=False, step by step: the same sums, but the
 * first observation after a gap renormalises them (pandas: the old weights,
 * aged over the gap, against the new weight alpha, total 1), which is not a
 * fixed linear recurrence.  Only each recurrence's last z is kept. */
HPCS_INLINE void HPCS_T(ewm_serial)(const T *restrict x, int64_t n, double *restrict st,
                                    double alpha, int bias, int64_t mp, T *restrict out,
                                    const int op)
{
    const double d = 1.0 - alpha, d2 = d * d;
    const int last = EWM_H + EWM_LAG - 1;
    double s = st[last + EWM_S * EWM_CHAIN], w = st[last + EWM_W * EWM_CHAIN];
    double cm = st[last + EWM_CM * EWM_CHAIN], pp = st[last + EWM_P * EWM_CHAIN];
    double c0 = st[EWM_C], mean = st[EWM_M], var = st[EWM_V];
    int64_t nobs = (int64_t)st[EWM_NOBS], steps = (int64_t)st[EWM_STEPS];
    int gap = st[EWM_GAP] != 0.0;
    for (int64_t i0 = 0, i1; i0 < n; i0 = i1) { /* blocks end where the shift moves */
        const int64_t kmax = EWM_BLOCK - steps % EWM_BLOCK;
        i1 = n - i0 < kmax ? n : i0 + kmax;
        if (steps % EWM_BLOCK == 0 && c0 == c0) s -= ewm_move_shift(&c0, &mean) * w;
        steps += i1 - i0;
        for (int64_t i = i0; i < i1; i++) {
            const double xv = ewm_load(x[i]);
            if (xv == xv) {
                if (c0 != c0) c0 = xv;
                const double nw = nobs ? alpha : 1.0, xp = xv - c0;
                const double s1 = d * s + nw * xp, w1 = d * w + nw, m1 = s1 / w1;
                if (op != EWM_MEAN) {
                    const double dm = mean - m1, dc = xp - m1;
                    const double c1 =
                        d * cm + (nobs ? d * w * (dm * dm) + nw * (dc * dc) : 0.0);
                    const double p1 = d2 * pp + nw * (d * w);
                    cm = gap ? c1 / w1 : c1;
                    pp = gap ? p1 / (w1 * w1) : p1;
                }
                s = gap ? m1 : s1;
                w = gap ? 1.0 : w1;
                mean = m1, nobs++, gap = 0;
                if (op != EWM_MEAN) var = bias ? cm / w : ewm_unbias(cm / w, w, pp);
            } else if (nobs) {
                s *= d, w *= d, cm *= d, pp *= d2, gap = 1;
            }
            out[i] = (T)(nobs >= mp ? ewm_value(op, c0, mean, var) : NAN);
        }
    }
    st[last + EWM_S * EWM_CHAIN] = s, st[last + EWM_W * EWM_CHAIN] = w;
    st[last + EWM_CM * EWM_CHAIN] = cm, st[last + EWM_P * EWM_CHAIN] = pp;
    st[EWM_C] = c0, st[EWM_NOBS] = (double)nobs, st[EWM_M] = mean, st[EWM_V] = var;
    st[EWM_GAP] = gap, st[EWM_STEPS] = (double)steps;
}

/* Run x[0..n) from a->ewm_state (this line's state, updated at the end), or
 * from the blank state when it is NULL. */
HPCS_INLINE hpcs_status HPCS_T(ewm_run)(const T *restrict x, int64_t n, const hpcs__rolling_args *a,
                                        T *restrict out, const int op)
{
    if (n == 0) return HPCS_OK;
    const int adjust = (a->ewm_flags & HPCS_EWM_ADJUST) != 0;
    const int ignore_na = (a->ewm_flags & HPCS_EWM_IGNORE_NA) != 0;
    const int bias = (a->ewm_flags & HPCS_EWM_BIAS) != 0;
    /* pandas counts min_periods=0 as 1; below two observations the unbiased
     * variance is NaN (the exact value). */
    const int64_t least = op != EWM_MEAN && !bias ? 2 : 1;
    const int64_t mp = a->ewm_min_periods > least ? a->ewm_min_periods : least;
    double blank[HPCS_EWM_STATE];
    double *st = a->ewm_state;
    if (st == NULL) (void)hpcs_ewm_blank(blank, 1), st = blank;
    if (!adjust && !ignore_na)
        HPCS_T(ewm_serial)(x, n, st, a->alpha, bias, mp, out, op);
    else
        HPCS_T(ewm_lagged)(x, n, st, a->alpha, adjust, ignore_na, bias, mp, out, op);
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
