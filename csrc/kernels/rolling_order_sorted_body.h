/*
 * rolling_order_sorted_body.h — for element type T, the sorted-array path
 * of rolling_order_body.h (windows up to RO_SORTED_MAX_WINDOW).
 * Instantiated through rolling_order_body.h (no include guard).
 */

/* The rolling statistic `op` over chunks [first, last) for a window of at
 * most RO_SORTED_MAX_WINDOW: the window's valid values as a sorted array
 * (no allocation).  The window ending at e is positions (e - w, e].
 * Outputs go in groups: the slides first, each into its own slot, then
 * the statistics of the group's slots.  The statistics then read arrays
 * written well before (no store-forwarding stalls) and do not wait on one
 * another, and MAD can take 8 outputs side by side (ro_sorted_mad_lanes;
 * measured: docs/design/rolling_order.md). */
HPCS_INLINE void HPCS_T(ro_sorted_series)(const HPCS_T(ro_job) *job, int64_t first, int64_t last,
                                          const ro_op op)
{
    const T *x = job->x;
    const hpcs__rolling_args *a = job->a;
    const int64_t n = job->n, w = a->window, offset = a->offset;
    const int64_t e_first = ro_max(first * job->chunk, offset);
    const int64_t e_last = ro_min(last * job->chunk - 1, n - 1 + offset);
    /* Slot g holds [-1] = INT64_MIN, then a window of at most w keys and
     * the slide's padding, [c .. c + 3] with c <= w; 4-key aligned. */
    const int64_t stride = (w + 5 + 3) / 4 * 4;
    const int64_t group = (RO_RING_KEYS / stride - 1) / RO_MAD_LANES * RO_MAD_LANES;
    int64_t ring[RO_RING_KEYS] __attribute__((aligned(32))), counts[RO_RING_KEYS / 8]; /* stride >= 8 */
#define RO_SLOT(g) (ring + (g) * stride + 1)
    /* Only the slots this task uses, and in them only what a slide reads
     * before writing it: the INT64_MIN in front and an empty window's
     * padding.  (Filling the whole ring cost more than the slides of a
     * short series.) */
    const int64_t slots = ro_max(2, ro_min(group, e_last + 1 - e_first) + 1);
    for (int64_t g = 0; g < slots; g++) {
        RO_SLOT(g)[-1] = INT64_MIN;
        for (int i = 0; i < 4; i++) RO_SLOT(g)[i] = RO_NO_KEY;
    }
    int64_t count = 0;
    ro_qpos qpos = {0, 0, 0, 0.0};
    /* The window before e_first, built in slots 0 and 1, left in slot 0;
     * position e_first - w is in it, and the first slide erases it. */
    int64_t *keys = RO_SLOT(0), *next = RO_SLOT(1);
    for (int64_t p = ro_max(0, e_first - w); p < ro_min(n, e_first); p++) {
        const double v = (double)x[p];
        ro_sorted_slide(keys, next, &count, v == v ? ro_skey(v) : RO_NO_KEY, RO_NO_KEY);
        int64_t *t = keys;
        keys = next;
        next = t;
    }
    if (keys != RO_SLOT(0)) memcpy(RO_SLOT(0), keys, (size_t)(count + 4) * sizeof *keys);
    for (int64_t e0 = e_first; e0 <= e_last; e0 += group) {
        const int64_t len = ro_min(group, e_last + 1 - e0);
        for (int64_t g = 1; g <= len; g++) {
            const int64_t e = e0 + g - 1;
            const double vin = e < n ? (double)x[e] : NAN;
            const double vout = e - w >= 0 && e - w < n ? (double)x[e - w] : NAN;
            ro_sorted_slide(RO_SLOT(g - 1), RO_SLOT(g), &count, vin == vin ? ro_skey(vin) : RO_NO_KEY,
                            vout == vout ? ro_skey(vout) : RO_NO_KEY);
            counts[g] = count;
        }
        for (int64_t g = 1; g <= len;) {
            if (op >= RO_MAD && w <= RO_MAD_LANES_MAX_WINDOW && g + RO_MAD_LANES - 1 <= len &&
                ro_same_counts(counts + g) && counts[g] > 0 && counts[g] >= a->min_periods) {
                double res[RO_MAD_LANES];
                ro_sorted_mad_lanes(RO_SLOT(g), stride, counts[g], a->scale, res);
                for (int l = 0; l < RO_MAD_LANES; l++) {
                    const int64_t i = e0 + g - 1 + l - offset;
                    if (op == RO_ROBUST_Z)
                        res[l] = ro_robust_z((double)x[i],
                                             ro_sorted_median(RO_SLOT(g + l), counts[g]), res[l]);
                    job->out[i] = (T)res[l];
                }
                g += RO_MAD_LANES;
            } else {
                const int64_t i = e0 + g - 1 - offset;
                double res = ro_sorted_stat(op, RO_SLOT(g), counts[g], a, &qpos);
                if (op == RO_ROBUST_Z && counts[g] > 0 && counts[g] >= a->min_periods)
                    res = ro_robust_z((double)x[i], ro_sorted_median(RO_SLOT(g), counts[g]), res);
                job->out[i] = (T)res;
                g++;
            }
        }
        memcpy(RO_SLOT(0), RO_SLOT(len), (size_t)(count + 4) * sizeof *keys); /* keys, padding */
    }
#undef RO_SLOT
}
