/*
 * rolling_sub_body.h — for element type T, the sub-block path of
 * rolling_body.h (windows over ROLLING_SUB_FROM).
 *
 * With long blocks the whole-block path reads 17 and writes 16 streams
 * `block` apart, and its scratch leaves the caches.  Here each block is cut
 * into nsub sub-blocks of `sub` positions (the last ones shorter or empty),
 * the same cut in every block, and a group's lanes are ROLLING_SUB_GROUP
 * consecutive sub-blocks of one block: input and output are contiguous and
 * the scratch of a group stays in L1.  A window ending at row j of
 * sub-block i of block b is
 *   suffix from row j+1 of sub-block i of block b-1   (kept from block b-1)
 *   + whole sub-blocks i+1 .. of block b-1            ("after", from totals)
 *   + whole sub-blocks .. i-1 of block b              ("before", from totals)
 *   + prefix to row j of sub-block i of block b       (the forward scan).
 * Every part lies inside the window, so there is still no drift and
 * nothing that has left the window can poison an output; the middle is a
 * sum of at most window/sub totals, in sub-block order.  Blocks are walked
 * in order; a task first redoes the suffixes and totals of the block before
 * its first one, so the bits depend on neither the split nor the clone.
 * var/std use the shifts of the whole-block path: a window ending in block
 * b sums deviations from block b's shift K, so block b-1's suffixes and
 * "after" totals are taken with K (the shift of the block after theirs)
 * and block b's prefixes and "before" totals with its own.
 * Instantiated through rolling_body.h (no include guard).
 */

/* Backward scans of one group: suffixes (shift ks) into cs/s1s/s2s
 * [sub + 1][G]; the lanes' totals with shift ks in tot (count, s1, s2), and
 * with kp in own (s1, s2; var/std only, else own[0] = s1).  `counted` 0:
 * no NaN (counts not kept).  Prefetches the next group's input.  Nine
 * parameters: the four arrays stay separate restrict pointers, which is
 * what lets GCC vectorize the lane loops. */
HPCS_INLINE void HPCS_T(rolling_sub_back)(const double *restrict xt, double *restrict cs,
                                          double *restrict s1s, double *restrict s2s,
                                          const rolling_sub_scan *scan,
                                          double tot[3][ROLLING_SUB_GROUP],
                                          double own[2][ROLLING_SUB_GROUP], const int op,
                                          const int counted)
{
    enum { G = ROLLING_SUB_GROUP };
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    const int64_t sub = scan->sub, pf_lines = scan->fetch_lines;
    const double ks = scan->ks, kp = scan->kp;
    const char *pf = scan->fetch;
    if (!counted && rolling_vec_op(op) && G == RV_W * RV_N) {
        rolling_vec v1[RV_N] = {0}, v2[RV_N] = {0}, w1[RV_N] = {0}, w2[RV_N] = {0};
        double ksv[G], kpv[G];
        for (int k = 0; k < G; k++) {
            ksv[k] = ks, kpv[k] = kp;
            s1s[sub * G + k] = 0.0;
            if (is_var) s2s[sub * G + k] = 0.0;
        }
        for (int64_t j = sub - 1; j >= 0; j--) {
            for (int64_t q = 0; pf != NULL && q < pf_lines; q++)
                __builtin_prefetch(pf + ((sub - 1 - j) * pf_lines + q) * 64, 0, 3);
            rv_back_row(xt + j * G, s1s + j * G, is_var ? s2s + j * G : NULL, v1, v2, w1, w2, ksv,
                        kpv, op, 1);
        }
        for (int q = 0; q < RV_N; q++)
            for (int l = 0; l < RV_W; l++) {
                const int k = q * RV_W + l;
                tot[0][k] = 0.0, tot[1][k] = v1[q][l], tot[2][k] = is_var ? v2[q][l] : 0.0;
                own[0][k] = is_var ? w1[q][l] : v1[q][l], own[1][k] = is_var ? w2[q][l] : 0.0;
            }
        return;
    }
    double c[G], a1[G], a2[G], pc[G], p1[G], p2[G];
    for (int k = 0; k < G; k++) {
        c[k] = 0.0, a1[k] = agg_identity(op), a2[k] = 0.0, pc[k] = p1[k] = p2[k] = 0.0;
        s1s[sub * G + k] = a1[k];
        if (counted) cs[sub * G + k] = c[k];
        if (is_var) s2s[sub * G + k] = a2[k];
    }
    for (int64_t j = sub - 1; j >= 0; j--) {
        /* Prefetch the next group's input meanwhile (pf_lines cache lines a
         * row; pf NULL at the series' end): the load loop is a burst of
         * misses else. */
        for (int64_t q = 0; pf != NULL && q < pf_lines; q++)
            __builtin_prefetch(pf + ((sub - 1 - j) * pf_lines + q) * 64, 0, 3);
        for (int k = 0; k < G; k++) {
            const double v = xt[j * G + k];
            agg_add(&c[k], &a1[k], &a2[k], v, ks, op, counted);
            s1s[j * G + k] = a1[k];
            if (counted) cs[j * G + k] = c[k];
            if (is_var) {
                s2s[j * G + k] = a2[k];
                agg_add(&pc[k], &p1[k], &p2[k], v, kp, op, counted);
            }
        }
    }
    for (int k = 0; k < G; k++) {
        tot[0][k] = c[k], tot[1][k] = a1[k], tot[2][k] = a2[k];
        own[0][k] = is_var ? p1[k] : a1[k], own[1][k] = p2[k];
    }
}

/* Forward scans: prefixes (shift kp) joined with block b-1's suffix from
 * row j + 1 (cp/s1p/s2p) and the middle mid (count, s1, s2); the outputs
 * overwrite the input in xt.  `counted` 0: every window holds scan->full
 * valid values.  Prefetches the next group's output. */
HPCS_INLINE void HPCS_T(rolling_sub_fwd)(double *restrict xt, const double *restrict cp,
                                         const double *restrict s1p, const double *restrict s2p,
                                         const rolling_sub_scan *scan,
                                         double mid[3][ROLLING_SUB_GROUP], const int op,
                                         const int counted)
{
    enum { G = ROLLING_SUB_GROUP };
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    const int64_t sub = scan->sub, pf_lines = scan->fetch_lines;
    const double kp = scan->kp, full = scan->full;
    char *pf = (char *)scan->fetch;
    const hpcs__rolling_args *args = scan->args;
    if (!counted && rolling_vec_op(op) && G == RV_W * RV_N) {
        rolling_vec v1[RV_N] = {0}, v2[RV_N] = {0};
        const double dof = full - (double)args->ddof;
        double kpv[G];
        for (int k = 0; k < G; k++) kpv[k] = kp;
        for (int64_t j = 0; j < sub; j++) {
            for (int64_t q = 0; pf != NULL && q < pf_lines; q++)
                __builtin_prefetch(pf + (j * pf_lines + q) * 64, 1, 3);
            const int64_t sj = (j + 1) * G;
            rv_fwd_row(xt + j * G, xt + j * G, s1p + sj, is_var ? s2p + sj : NULL, v1, v2, mid[1],
                       mid[2], kpv, full, dof, op, 1);
        }
        if (op == ROLL_STD)
            for (int64_t i = 0; i < sub * G; i++) xt[i] = sqrt(xt[i]);
        return;
    }
    double c[G], a1[G], a2[G];
    for (int k = 0; k < G; k++) c[k] = 0.0, a1[k] = agg_identity(op), a2[k] = 0.0;
    for (int64_t j = 0; j < sub; j++) {
        for (int64_t q = 0; pf != NULL && q < pf_lines; q++) /* the next group's output */
            __builtin_prefetch(pf + (j * pf_lines + q) * 64, 1, 3);
        for (int k = 0; k < G; k++) {
            agg_add(&c[k], &a1[k], &a2[k], xt[j * G + k], kp, op, counted);
            const int64_t sj = (j + 1) * G + k;
            double ca = counted ? cp[sj] : 0.0, s1a = s1p[sj], s2a = is_var ? s2p[sj] : 0.0;
            agg_merge(&ca, &s1a, &s2a, mid[0][k], mid[1][k], mid[2][k], op);
            xt[j * G + k] = agg_window(ca, s1a, s2a, c[k], a1[k], a2[k], args, op, counted, full);
        }
    }
}

/* Rows of each lane of group gi (0: no such sub-block). */
HPCS_INLINE void HPCS_T(rolling_sub_lens)(const HPCS_T(rolling_job) *job, int64_t gi,
                                          int64_t len[ROLLING_SUB_GROUP])
{
    enum { G = ROLLING_SUB_GROUP };
    const int64_t block = job->block, sub = job->sub, nsub = job->nsub, i0 = gi * G;
    for (int k = 0; k < G; k++) {
        const int64_t o = (i0 + k) * sub;
        len[k] = i0 + k >= nsub || o >= block ? 0 : block - o < sub ? block - o : sub;
    }
}

/* Load group gi of block b into xt: lanes are consecutive runs of the
 * series.  Returns whether it is clean: every row of every lane inside
 * [0, n) and no NaN; then rows past a lane's end hold the identity
 * (uncounted scans), else NaN (missing).  *back_counted: whether the
 * backward scans must count. */
HPCS_INLINE int HPCS_T(rolling_sub_load)(const HPCS_T(rolling_job) *job, int64_t base,
                                         const int64_t len[ROLLING_SUB_GROUP],
                                         double *restrict xt, int *back_counted, const int op)
{
    enum { G = ROLLING_SUB_GROUP };
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    const T *x = job->x;
    const int64_t n = job->n, sub = job->sub;
    int clean = 1;
    *back_counted = 0;
    if (len[G - 1] == sub && base >= 0 && G * sub <= n - base && sizeof(T) == sizeof(double)) {
        /* whole group inside the series, float64: 4x4 transposes */
        clean = !RV_TO_LANES((const double *)(const void *)(x + base), sub, xt, G, sub, G / RV_W);
    } else if (len[G - 1] == sub && base >= 0 && G * sub <= n - base) {
        int nan_seen = 0;
        for (int k = 0; k < G; k++)
            for (int64_t j = 0; j < sub; j++) {
                const double v = (double)x[base + k * sub + j];
                nan_seen |= v != v;
                xt[j * G + k] = v;
            }
        clean = !nan_seen;
    } else {
        /* Inside the series with no NaN in the whole rectangle (lanes read
         * to row sub): transposes, then NaN past each lane's end, as
         * rolling_load_lane leaves them; else lane by lane. */
        const int fast = sizeof(T) == sizeof(double) && base >= 0 && G * sub <= n - base &&
                         !RV_TO_LANES((const double *)(const void *)(x + base), sub, xt, G, sub,
                                      G / RV_W);
        if (fast)
            for (int k = 0; k < G; k++)
                for (int64_t j = len[k]; j < sub; j++) xt[j * G + k] = NAN;
        else
            for (int k = 0; k < G; k++)
                clean &= HPCS_T(rolling_load_lane)(x, n, base + k * sub, len[k], sub, xt + k, G);
        /* var/std: no value adds nothing under both shifts, so their
         * padding stays NaN and the suffixes are counted. */
        if (clean && !is_var)
            for (int k = 0; k < G; k++)
                for (int64_t j = len[k]; j < sub; j++) xt[j * G + k] = agg_identity(op);
        else
            *back_counted = 1;
    }
    *back_counted |= !clean;
    return clean;
}

/* The middle of lane k's windows: "after" of sub-block i0+k in block b-1,
 * then the totals of block b's sub-blocks before it, in order; the lanes'
 * totals (own: with block b's shift) are added to blk->before as they go. */
HPCS_INLINE void HPCS_T(rolling_sub_mid)(const HPCS_T(rolling_job) *job, int64_t i0,
                                         const rolling_sub_scratch *sc, rolling_sub_block *blk,
                                         double tot[3][ROLLING_SUB_GROUP],
                                         double own[2][ROLLING_SUB_GROUP],
                                         double mid[3][ROLLING_SUB_GROUP], const int op)
{
    enum { G = ROLLING_SUB_GROUP };
    const int64_t nsub = job->nsub;
    double *before = blk->before;
    for (int k = 0; k < G; k++) {
        const double *af = sc->after + (i0 + k < nsub ? i0 + k : 0) * 3; /* idle lanes: any */
        mid[0][k] = af[0], mid[1][k] = af[1], mid[2][k] = af[2];
        agg_merge(&mid[0][k], &mid[1][k], &mid[2][k], before[0], before[1], before[2], op);
        if (i0 + k < nsub)
            agg_merge(&before[0], &before[1], &before[2], tot[0][k], own[0][k], own[1][k], op);
    }
}

/* Group gi (sub-blocks gi*G ..) of block blk->b: its suffixes go to side
 * blk->cur; with outputs, its windows are written out.  Updates
 * blk->before and blk->upto. */
HPCS_INLINE void HPCS_T(rolling_sub_group)(const HPCS_T(rolling_job) *job, rolling_sub_block *blk,
                                           int64_t gi, const rolling_sub_scratch *sc, const int op)
{
    enum { G = ROLLING_SUB_GROUP };
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    const int cur = blk->cur;
    const int64_t n = job->n, block = job->block, sub = job->sub, nsub = job->nsub;
    const int64_t i0 = gi * G, base = blk->b * block + i0 * sub; /* series index of lane 0, row 0 */
    double *restrict xt = sc->xt;
    int64_t len[G];
    HPCS_T(rolling_sub_lens)(job, gi, len);
    int back_counted;
    const int clean = HPCS_T(rolling_sub_load)(job, base, len, xt, &back_counted, op);
    sc->clean[cur][gi] = (unsigned char)clean;
    sc->kept[cur][gi] = (unsigned char)back_counted;

    const int64_t gsize = (sub + 1) * G, ahead = G * sub;
    /* Cache lines of one group's input (or output) to prefetch per row. */
    const int64_t pf_lines = ((ahead * (int64_t)sizeof(T) - 1) / 64) / sub + 1;
    const int64_t pf_span = sub * pf_lines * (int64_t)(64 / sizeof(T));
    double *cs = sc->cnt[cur] + gi * gsize, *s1s = sc->s1[cur] + gi * gsize;
    double *s2s = is_var ? sc->s2[cur] + gi * gsize : NULL;
    double tot[3][G], own[2][G]; /* lane totals: shift ks; s1, s2 with kp */
    rolling_sub_scan scan = {.sub = sub, .ks = blk->ks, .kp = blk->kp, .full = (double)block,
                             .fetch_lines = pf_lines, .args = job->a};
    {
        const int64_t at = base + ahead; /* next group's input */
        scan.fetch = at >= 0 && pf_span <= n - at ? (const char *)(job->x + at) : NULL;
        if (back_counted)
            HPCS_T(rolling_sub_back)(xt, cs, s1s, s2s, &scan, tot, own, op, 1);
        else
            HPCS_T(rolling_sub_back)(xt, cs, s1s, s2s, &scan, tot, own, op, 0);
    }
    for (int k = 0; k < G; k++) {
        if (!back_counted) tot[0][k] = (double)len[k];
        if (i0 + k < nsub) {
            double *t = sc->tot + (i0 + k) * 3;
            t[0] = tot[0][k], t[1] = tot[1][k], t[2] = tot[2][k];
        }
    }
    if (!blk->outputs) return;

    double mid[3][G];
    HPCS_T(rolling_sub_mid)(job, i0, sc, blk, tot, own, mid, op);
    blk->upto = blk->upto && clean;
    const int counted = !(blk->upto && sc->from[gi]);
    double *cp = sc->cnt[!cur] + gi * gsize;
    if (counted && !sc->kept[!cur][gi]) /* block b-1's counts were not kept: whole rows */
        for (int64_t j = 0; j <= sub; j++)
            for (int k = 0; k < G; k++) {
                const int64_t l = (i0 + k < nsub ? len[k] : 0) - j;
                cp[j * G + k] = l > 0 ? (double)l : 0.0;
            }
    {
        const int64_t at = base + ahead - job->a->offset; /* next group's output */
        scan.fetch = at >= 0 && pf_span <= n - at ? (const char *)(job->out + at) : NULL;
        const double *s1p = sc->s1[!cur] + gi * gsize;
        const double *s2p = is_var ? sc->s2[!cur] + gi * gsize : NULL;
        if (counted)
            HPCS_T(rolling_sub_fwd)(xt, cp, s1p, s2p, &scan, mid, op, 1);
        else
            HPCS_T(rolling_sub_fwd)(xt, cp, s1p, s2p, &scan, mid, op, 0);
    }
    /* Leading sets of 4 full lanes whose outputs all lie in the series'
     * output: transposes; the rest lane by lane. */
    const int64_t at = base - job->a->offset; /* output of lane 0, row 0 */
    int nq = 0;
    if (sizeof(T) == sizeof(double) && at >= 0)
        while (nq < G / RV_W && len[nq * RV_W + RV_W - 1] == sub &&
               base + (nq + 1) * RV_W * sub <= job->span)
            nq++;
    if (nq > 0) RV_FROM_LANES(xt, G, (double *)(void *)(job->out + at), sub, sub, nq);
    for (int k = nq * RV_W; k < G; k++)
        HPCS_T(rolling_store_lane)(job, base + k * sub, len[k], xt + k, G);
}

/* Scratch of the sub-block path, carved from one allocation (NULL: out of
 * memory; free sc->xt). */
HPCS_INLINE double *HPCS_T(rolling_sub_alloc)(const HPCS_T(rolling_job) *job, rolling_sub_scratch *sc,
                                              const int op)
{
    const size_t sub = (size_t)job->sub, nsub = (size_t)job->nsub;
    const size_t ngroups = (nsub - 1) / ROLLING_SUB_GROUP + 1;
    const size_t side = ngroups * (sub + 1) * ROLLING_SUB_GROUP;
    const size_t xt_len = sub * ROLLING_SUB_GROUP;
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    const size_t nsides = is_var ? 6 : 4;
    if (side > SIZE_MAX / sizeof(double) / 8) return NULL;
    double *mem = malloc((xt_len + nsides * side + 6 * nsub) * sizeof *mem + 5 * ngroups);
    if (mem == NULL) return NULL;
    *sc = (rolling_sub_scratch){.xt = mem};
    double *p = mem + xt_len;
    for (int s = 0; s < 2; s++) {
        sc->cnt[s] = p, sc->s1[s] = p + side, p += 2 * side;
        sc->s2[s] = is_var ? p : NULL, p += is_var ? side : 0;
    }
    sc->tot = p, sc->after = p + 3 * nsub;
    unsigned char *flags = (unsigned char *)(p + 6 * nsub);
    sc->clean[0] = flags, sc->clean[1] = flags + ngroups, sc->from = flags + 2 * ngroups;
    sc->kept[0] = flags + 3 * ngroups, sc->kept[1] = flags + 4 * ngroups;
    return mem;
}

/* Outputs of the windows ending in blocks [first, last), sub-block path. */
HPCS_INLINE hpcs_status HPCS_T(rolling_sub_blocks)(const HPCS_T(rolling_job) *job, int64_t first,
                                                   int64_t last, const int op)
{
    const int64_t nsub = job->nsub, ngroups = (nsub - 1) / ROLLING_SUB_GROUP + 1;
    const int is_var = op == ROLL_VAR || op == ROLL_STD;
    rolling_sub_scratch sc;
    double *mem = HPCS_T(rolling_sub_alloc)(job, &sc, op);
    if (mem == NULL) return HPCS_ERR_NOMEM;
    int cur = 0;
    for (int64_t b = first - 1; b < last; b++, cur = !cur) {
        /* var/std: suffixes of block b with the shift of block b+1, its
         * prefixes (and "before") with its own, as on the whole-block path. */
        rolling_sub_block blk = {.b = b, .cur = cur, .outputs = b >= first,
                                 .before = {0.0, agg_identity(op), 0.0}, .upto = 1};
        if (is_var) {
            blk.ks = HPCS_T(block_shift)(job->x, job->n, (b + 1) * job->block);
            if (b >= first) blk.kp = HPCS_T(block_shift)(job->x, job->n, b * job->block);
        }
        for (int64_t gi = 0; gi < ngroups; gi++) HPCS_T(rolling_sub_group)(job, &blk, gi, &sc, op);
        /* For block b+1: "after" = totals of sub-blocks i+1 .. of block b,
         * from[gi] = groups gi .. of block b all clean. */
        double r[3] = {0.0, agg_identity(op), 0.0};
        for (int64_t i = nsub - 1; i >= 0; i--) {
            double *af = sc.after + i * 3;
            const double *t = sc.tot + i * 3;
            af[0] = r[0], af[1] = r[1], af[2] = r[2];
            agg_merge(&r[0], &r[1], &r[2], t[0], t[1], t[2], op);
        }
        unsigned char f = 1;
        for (int64_t gi = ngroups - 1; gi >= 0; gi--) sc.from[gi] = f = f && sc.clean[cur][gi];
    }
    free(mem);
    return HPCS_OK;
}
