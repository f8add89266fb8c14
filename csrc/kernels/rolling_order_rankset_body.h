/*
 * rolling_order_rankset_body.h — for element type T, the rank-set path of
 * rolling_order_body.h (windows over RO_SORTED_MAX_WINDOW).
 * Instantiated through rolling_order_body.h (no include guard).
 */

/* Sort the valid values of x[0..len) into sc->cur (swapping buffers as the
 * sort needs), mark NaN offsets -1 in rank; returns the item count. */
HPCS_INLINE int64_t HPCS_T(ro_load_chunk)(const T *x, int64_t len, ro_scratch *sc, int64_t *rank)
{
    int64_t k = 0;
    memset(sc->count, 0, 8 * sizeof *sc->count);
    for (int64_t t = 0; t < len; t++) {
        const double v = (double)x[t];
        rank[t] = -1;
        if (v == v) {
            sc->cur[k] = (ro_item){ro_key(v), t};
            ro_count_key(sc->count, sc->cur[k++].key);
        }
    }
    ro_item *sorted = ro_sort(sc->cur, sc->tmp, k, sc->count);
    if (sorted != sc->cur) {
        sc->tmp = sc->cur;
        sc->cur = sorted;
    }
    sc->cur[-1].key = 0;
    sc->cur[k].key = UINT64_MAX;
    return k;
}
/* Rank the chunk starting at `start` (its sorted items in sc->cur, ncur of
 * them) against the previous one (nprev, prev_len positions) and fill the
 * set with the window ending just before e_first. */
HPCS_INLINE void HPCS_T(ro_chunk_setup)(const HPCS_T(ro_job) *job, ro_scratch *sc, int64_t start,
                                        int64_t nprev, int64_t prev_len, int64_t ncur,
                                        int64_t e_first)
{
    const int64_t n = job->n, chunk = job->chunk, w = job->a->window, cap = ro_min(chunk, n);
    ro_set *s = &sc->set;
    for (int64_t t = 0; t < prev_len; t++) sc->rank[t] = -1;
    ro_merge_ranks(sc->prev, nprev, sc->cur, ncur, cap, sc->vals, sc->rank);
    ro_set_clear(s, nprev + ncur);
    for (int64_t p = ro_max(0, e_first - w); p < ro_min(n, e_first); p++) {
        const int64_t r = ro_rank_of(sc, p, start, chunk, cap);
        if (r >= 0) s->bits[r >> 6] |= 1ULL << (r & 63);
    }
    ro_set_build(s);
}

/* Outputs of the windows ending at e_first .. e_last, all in the chunk
 * starting at `start`: the window slides one position at a time. */
HPCS_INLINE void HPCS_T(ro_chunk_outputs)(const HPCS_T(ro_job) *job, ro_scratch *sc, ro_follow *f,
                                          int64_t start, int64_t e_first, int64_t e_last,
                                          const ro_op op)
{
    const hpcs__rolling_args *a = job->a;
    const int64_t n = job->n, chunk = job->chunk, w = a->window, cap = ro_min(chunk, n);
    ro_set *s = &sc->set;
    for (int64_t e = e_first; e <= e_last; e++) {
        const int64_t gone = e - w;
        const int64_t added = e < n ? ro_rank_of(sc, e, start, chunk, cap) : -1;
        const int64_t removed = gone >= 0 && gone < n ? ro_rank_of(sc, gone, start, chunk, cap) : -1;
        ro_set_slide(s, added, removed);
        if (added >= 0) {
            ro_cursor_inserted(&f->cursor, added);
            if (op >= RO_MAD) ro_run_inserted(&f->run, added);
        }
        if (removed >= 0) {
            ro_cursor_erased(s, &f->cursor, removed);
            if (op >= RO_MAD) ro_run_erased(s, &f->run, removed);
        }
        double res = NAN;
        if (s->count >= a->min_periods) {
            if (op == RO_MEDIAN) res = ro_median(s, &f->cursor);
            else if (op == RO_QUANTILE) res = ro_quantile(s, &f->cursor, a->q, a->method, &f->qpos);
            else res = ro_mad(s, &f->cursor, &f->run, a->scale);
            if (op == RO_ROBUST_Z)
                res = ro_robust_z((double)job->x[e - a->offset], ro_median(s, &f->cursor), res);
        }
        job->out[e - a->offset] = (T)res;
    }
}

/* The rolling statistic `op` over chunks [first, last): chunk loop, then the
 * window slides one position at a time inside the chunk's rank set.  A
 * chunk needs only the previous chunk, sorted, so a run of chunks can start
 * anywhere and gives the same bits. */
HPCS_INLINE hpcs_status HPCS_T(ro_series)(const HPCS_T(ro_job) *job, int64_t first, int64_t last,
                                          const ro_op op)
{
    const int64_t n = job->n, chunk = job->chunk;
    const int64_t offset = job->a->offset, last_e = n - 1 + offset;
    const int64_t cap = ro_min(chunk, n);
    ro_scratch sc;
    hpcs_status st = ro_scratch_alloc(&sc, cap);
    if (st != HPCS_OK) return st;
    ro_follow f = {{0, 0, 0, 0}, {0, 0, 0}, {0, 0, 0, 0.0}};
    int64_t nprev = 0, prev_len = 0;

    for (int64_t c = first > 0 ? first - 1 : 0; c < last; c++) {
        /* Chunk c covers positions [start, start + chunk); windows ending
         * there lie in [start - chunk, start + chunk). */
        const int64_t start = c * chunk;
        const int64_t len = start < n ? ro_min(chunk, n - start) : 0;
        const int64_t ncur = HPCS_T(ro_load_chunk)(job->x + start, len, &sc, sc.rank + cap);
        if (c >= first) {
            /* The window ending just before the chunk's first output. */
            const int64_t e_first = start > offset ? start : offset;
            const int64_t e_last = start + ro_min(chunk - 1, last_e - start);
            HPCS_T(ro_chunk_setup)(job, &sc, start, nprev, prev_len, ncur, e_first);
            f.run.valid = 0;
            f.cursor.valid = 0;
            HPCS_T(ro_chunk_outputs)(job, &sc, &f, start, e_first, e_last, op);
        }
        ro_item *t = sc.prev;
        sc.prev = sc.cur;
        sc.cur = t;
        nprev = ncur;
        prev_len = len;
    }
    free(sc.block);
    return st;
}
