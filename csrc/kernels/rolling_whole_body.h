/*
 * rolling_whole_body.h — for element type T, the whole-block path of
 * rolling_body.h (windows of sum/mean above ROLLING_DIRECT_MAX, of the
 * other operations from 1, up to ROLLING_SUB_FROM): ROLLING_GROUP blocks
 * of `window` positions side by side, transposed into scratch (lane k =
 * block b+k) so that the loops over lanes vectorize and one vector
 * instruction advances several serial chains of adds.  Each block's
 * arithmetic is unchanged by the grouping and the vector width, so the
 * bits depend on neither (nor on the clone).
 * Instantiated through rolling_body.h (no include guard).
 */

/* The scans of rolling_group over the transposed lanes xt.  `counted` 0:
 * the group has no NaN and lies inside the series, so every window holds
 * `block` values and the counts need not be kept (same bits either way). */
HPCS_INLINE void HPCS_T(rolling_scans)(double *restrict xt, const rolling_scratch *sc, int64_t block,
                               const double *shift, const hpcs__rolling_args *args, const int G,
                               const int op, const int counted)
{
    const int L = G + 1;
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    double *restrict cnt = sc->cnt, *restrict s1 = sc->s1, *restrict s2 = sc->s2;
    if (!counted && rolling_vec_op(op) && G == RV_W * RV_N) {
        rolling_vec v1[RV_N] = {0}, v2[RV_N] = {0};
        for (int k = 0; k < G; k++) {
            s1[block * G + k] = 0.0;
            if (is_var) s2[block * G + k] = 0.0;
        }
        for (int64_t j = block - 1; j >= 0; j--)
            rv_back_row(xt + j * L, s1 + j * G, is_var ? s2 + j * G : NULL, v1, v2, NULL, NULL,
                        shift, shift, op, 0);
        for (int q = 0; q < RV_N; q++) v1[q] = v2[q] = RV_SPLAT(0.0);
        const double full = (double)block, dof = full - (double)args->ddof;
        for (int64_t j = 0; j < block; j++) {
            const int64_t sj = (j + 1) * G;
            rv_fwd_row(xt + j * L + 1, xt + j * L + 1, s1 + sj, is_var ? s2 + sj : NULL, v1, v2,
                       NULL, NULL, shift, full, dof, op, 0);
        }
        if (op == ROLL_STD)
            for (int64_t i = 0; i < block * L; i++) xt[i] = sqrt(xt[i]);
        return;
    }
    /* Backward scans: suffixes of blocks b-1 .. b+G-2, each with the shift
     * of the block after it; the suffix from `block` on is empty. */
    double c[ROLLING_GROUP], a1[ROLLING_GROUP], a2[ROLLING_GROUP];
    for (int k = 0; k < G; k++) {
        c[k] = 0.0, a1[k] = agg_identity(op), a2[k] = 0.0;
        s1[block * G + k] = a1[k];
        if (counted) cnt[block * G + k] = c[k];
        if (is_var) s2[block * G + k] = a2[k];
    }
    for (int64_t j = block - 1; j >= 0; j--)
        for (int k = 0; k < G; k++) {
            agg_add(&c[k], &a1[k], &a2[k], xt[j * L + k], shift[k], op, counted);
            s1[j * G + k] = a1[k];
            if (counted) cnt[j * G + k] = c[k];
            if (is_var) s2[j * G + k] = a2[k];
        }
    /* Forward scans: prefixes of blocks b .. b+G-1, joined with the suffix
     * from j + 1 (where the window ending at start + j begins); results
     * overwrite the prefix's input in xt. */
    for (int k = 0; k < G; k++) c[k] = 0.0, a1[k] = agg_identity(op), a2[k] = 0.0;
    for (int64_t j = 0; j < block; j++)
        for (int k = 0; k < G; k++) {
            agg_add(&c[k], &a1[k], &a2[k], xt[j * L + k + 1], shift[k], op, counted);
            const int64_t sj = (j + 1) * G + k;
            xt[j * L + k + 1] =
                agg_window(counted ? cnt[sj] : 0.0, s1[sj], is_var ? s2[sj] : 0.0, c[k], a1[k],
                           a2[k], args, op, counted, (double)block);
        }
}

/* Transpose blocks b-1 .. b+G-1 of the series into lanes 0 .. G of xt
 * (positions outside [0, n) as NaN); returns whether they all lie inside
 * the series and hold no NaN. */
HPCS_INLINE int HPCS_T(rolling_group_load)(const HPCS_T(rolling_job) *job, int64_t b, double *restrict xt,
                                           const int G)
{
    const int L = G + 1;
    const T *x = job->x;
    const int64_t n = job->n, block = job->block;
    const int64_t first = (b - 1) * block;
    int clean = first >= 0 && block <= (n - first) / L; /* all of x[first, first + L*block) */
    if (clean) {
        /* While reading this group, ask for the next group's input and
         * output (blocks b+G .. b+2G-1): a group reads, then scans, then
         * writes, and without this the memory sits idle during the scans.
         * Spread over the copy: one burst at the start gained less. */
        const int64_t next = first + L * block, next_out = next - job->a->offset;
        const int64_t ahead = G * block * (int64_t)sizeof(T); /* bytes of each */
        const int fetch = G * block <= n - next && next_out >= 0 && G * block <= n - next_out;
        const T *fetch_in = fetch ? x + next : NULL;
        T *fetch_out = fetch ? job->out + next_out : NULL;
        /* Row by row (L interleaved read streams, sequential writes), except
         * for mid-size blocks whose xt fits in L1: there block by block
         * (sequential reads) was measured faster. */
        const int by_block = block >= 32 && block * L * (int64_t)sizeof(double) <= 32768;
        int nan_seen = 0;
        if (sizeof(T) == sizeof(double) && G == RV_W * RV_N) {
            /* float64: lanes 0 .. G-1 by 4x4 transposes, in pieces of rows
             * with the prefetch between them, lane G as it is */
            const double *xd = (const double *)(const void *)(x + first);
            enum { PIECES = 8 };
            for (int p = 0; p < PIECES; p++) {
                const int64_t j0 = block * p / PIECES & ~(int64_t)3;
                const int64_t j1 = p == PIECES - 1 ? block : block * (p + 1) / PIECES & ~(int64_t)3;
                rolling_prefetch(fetch_in, fetch_out, ahead * p / PIECES, ahead * (p + 1) / PIECES);
                if (j1 > j0) nan_seen |= RV_TO_LANES(xd + j0, block, xt + j0 * L, L, j1 - j0, RV_N);
            }
            for (int64_t j = 0; j < block; j++) {
                const double v = xd[G * block + j];
                nan_seen |= v != v;
                xt[j * L + G] = v;
            }
            return !nan_seen;
        }
#define ROLLING_TAKE(l, j)                                                                          \
    do {                                                                                           \
        const double v_ = (double)x[first + (l) * block + (j)];                                    \
        nan_seen |= v_ != v_;                                                                      \
        xt[(j) * L + (l)] = v_;                                                                    \
    } while (0)
        if (by_block)
            for (int l = 0; l < L; l++) {
                rolling_prefetch(fetch_in, fetch_out, ahead * l / L, ahead * (l + 1) / L);
                for (int64_t j = 0; j < block; j++) ROLLING_TAKE(l, j);
            }
        else
            for (int64_t j = 0; j < block; j++) {
                rolling_prefetch(fetch_in, fetch_out, ahead * j / block, ahead * (j + 1) / block);
                for (int l = 0; l < L; l++) ROLLING_TAKE(l, j);
            }
#undef ROLLING_TAKE
        clean = !nan_seen;
    } else { /* edge groups: lane by lane (counted: clean stays 0) */
        for (int l = 0; l < L; l++)
            HPCS_T(rolling_load_lane)(x, n, first + l * block, block, block, xt + l, L);
    }
    return clean;
}

/* Outputs of the windows ending in blocks b .. b+g-1 (g <= ROLLING_GROUP).
 * Window ends in block b+k combine a prefix of block b+k (lane k+1 of xt)
 * with a suffix of block b+k-1 (lane k).  Positions outside [0, n) read as
 * NaN (missing), and only ends in [offset, span) are written. */
HPCS_INLINE void HPCS_T(rolling_group)(const HPCS_T(rolling_job) *job, int64_t b, int64_t g,
                                       const rolling_scratch *sc, const int G, const int op)
{
    const int L = G + 1;
    const T *x = job->x;
    const int64_t n = job->n, block = job->block;
    double *restrict xt = sc->xt;
    const int clean = HPCS_T(rolling_group_load)(job, b, xt, G);
    double shift[ROLLING_GROUP] = {0};
    if (op == ROLL_VAR || op == ROLL_STD)
        for (int k = 0; k < g; k++) shift[k] = HPCS_T(block_shift)(x, n, (b + k) * block);

    if (clean)
        HPCS_T(rolling_scans)(xt, sc, block, shift, job->a, G, op, 0);
    else
        HPCS_T(rolling_scans)(xt, sc, block, shift, job->a, G, op, 1);

    /* Transpose the results back (float64, a whole group of outputs inside
     * the series: 4x4 transposes). */
    const int64_t at = b * block - job->a->offset;
    if (sizeof(T) == sizeof(double) && G == RV_W * RV_N && g == G && at >= 0 &&
        (b + G) * block <= job->span) {
        RV_FROM_LANES(xt + 1, L, (double *)(void *)(job->out + at), block, block, RV_N);
        return;
    }
    for (int64_t k = 0; k < g; k++)
        HPCS_T(rolling_store_lane)(job, (b + k) * block, block, xt + k + 1, L);
}

/* Outputs of the windows ending in blocks [first, last), whole-block path.
 * Everything a block needs — its shift and the previous block's suffixes —
 * is recomputed here from the input, so any split of the blocks gives the
 * same bits. */
HPCS_INLINE hpcs_status HPCS_T(rolling_whole)(const HPCS_T(rolling_job) *job, int64_t first,
                                              int64_t last, const int op)
{
    const size_t block = (size_t)job->block; /* <= ROLLING_SUB_FROM */
    const int group = ROLLING_GROUP;
    const size_t suffix_len = (block + 1) * (size_t)group;
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    const size_t xt_len = block * (size_t)(group + 1);
    /* Short blocks (many short series: one call per series) use the
     * stack: a malloc/free pair was a visible share of such a call. */
    enum { STACK_BLOCK = 16 };
    double stack_mem[STACK_BLOCK * (ROLLING_GROUP + 1) + 3 * (STACK_BLOCK + 1) * ROLLING_GROUP];
    const size_t mem_len = xt_len + (is_var ? 3 : 2) * suffix_len;
    double *mem = block <= STACK_BLOCK ? stack_mem : malloc(mem_len * sizeof *mem);
    if (mem == NULL) return HPCS_ERR_NOMEM;
    rolling_scratch sc = {.xt = mem, .cnt = mem + xt_len};
    sc.s1 = sc.cnt + suffix_len;
    sc.s2 = is_var ? sc.s1 + suffix_len : NULL;
    for (int64_t b = first; b < last; b += group) {
        const int64_t g = last - b < group ? last - b : group;
        HPCS_T(rolling_group)(job, b, g, &sc, ROLLING_GROUP, op);
    }
    if (mem != stack_mem) free(mem);
    return HPCS_OK;
}
