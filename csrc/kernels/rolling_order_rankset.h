/*
 * rolling_order_rankset.h — the chunked rank set of the rolling median /
 * quantile / MAD for windows over RO_SORTED_MAX_WINDOW, independent of the
 * element type (see rolling_order_body.h for the algorithm): sorting a
 * chunk, merging two chunks into ranks, the window as a set of ranks, and
 * the order statistics of the set.
 */
#ifndef HPCS_ROLLING_ORDER_RANKSET_H
#define HPCS_ROLLING_ORDER_RANKSET_H

#include "rolling_order_common.h"

_Static_assert(RO_GROUP_WORDS * 64 == 1 << RO_GROUP_SHIFT, "a group is RO_GROUP_WORDS words");

/* A valid value (as its ro_key) and its offset inside its chunk. */
typedef struct ro_item {
    uint64_t key;
    int64_t off;
} ro_item;

/* The window as a set of ranks 0..m-1 of the two merged chunks. */
typedef struct ro_set {
    const double *vals; /* value of each rank, ascending */
    uint64_t *bits;     /* bit r set: rank r is in the window */
    uint64_t *summary;  /* bit w set: bits[w] != 0 */
    int64_t *tree;      /* Fenwick tree (1-based) over groups of RO_GROUP_WORDS words,
                         * or, if flat, tree[g + 1] = the count of group g */
    int64_t nwords;     /* words covering the m ranks (>= 1) */
    int64_t fsize;      /* tree size: power of two >= groups; tree[0] is a dummy */
    int levels;         /* log2(fsize) + 1: tree nodes above a group */
    int flat;           /* fsize <= RO_FLAT_GROUPS: plain counts, not a tree */
    int64_t count;      /* ranks in the set */
} ro_set;

/* The k-th smallest element of the set (at rank pos), followed step to step. */
typedef struct ro_cursor {
    int64_t pos, k;
    int valid;
} ro_cursor;

/* Run of consecutive present ranks [l, r] holding `size` of them. */
typedef struct ro_run {
    int64_t l, r, size;
    int valid;
} ro_run;

/* ---- sorting ------------------------------------------------------------- */

/* Order-preserving map of a non-NaN double to uint64, and back. */
HPCS_INLINE uint64_t ro_key(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u ^ ((uint64_t)((int64_t)u >> 63) | (1ULL << 63));
}

HPCS_INLINE double ro_value(uint64_t key)
{
    const uint64_t u = key ^ (((key >> 63) - 1) | (1ULL << 63));
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

HPCS_INLINE void ro_insertion_sort(ro_item *a, int64_t n)
{
    for (int64_t i = 1; i < n; i++) {
        const ro_item it = a[i];
        int64_t j = i;
        for (; j > 0 && a[j - 1].key > it.key; j--) a[j] = a[j - 1];
        a[j] = it;
    }
}

/* Count the bytes of key into the radix histograms. */
HPCS_INLINE void ro_count_key(int64_t (*count)[256], uint64_t key)
{
    for (int d = 0; d < 8; d++) count[d][(key >> (8 * d)) & 0xFF]++;
}

/* Sort n items by key; returns the buffer holding the result (a or tmp).
 * LSD radix, a byte a pass, skipping bytes equal in every key; insertion
 * sort below RO_RADIX_MIN items.  count: the 8 x 256 byte histograms of the
 * keys (ro_count_key while the items were made), consumed. */
HPCS_INLINE ro_item *ro_sort(ro_item *a, ro_item *tmp, int64_t n, int64_t (*count)[256])
{
    if (n < RO_RADIX_MIN) {
        ro_insertion_sort(a, n);
        return a;
    }
    ro_item *src = a, *dst = tmp;
    for (int d = 0; d < 8; d++) {
        int64_t *c = count[d];
        const unsigned shift = 8u * (unsigned)d;
        if (c[(src[0].key >> shift) & 0xFF] == n) continue;
        for (int64_t b = 0, sum = 0; b < 256; b++) {
            const int64_t here = c[b];
            c[b] = sum;
            sum += here;
        }
        for (int64_t i = 0; i < n; i++) dst[c[(src[i].key >> shift) & 0xFF]++] = src[i];
        ro_item *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* a or b by a data-dependent flag, without a branch (a mispredicted branch
 * per element would dominate the merge). */
HPCS_INLINE const ro_item *ro_pick(const ro_item *a, const ro_item *b, int take_b)
{
    const uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return (const ro_item *)(x ^ ((x ^ y) & (uintptr_t)-(intptr_t)take_b));
}

/* Merge the sorted chunks p (previous) and q (current) into vals, recording
 * each item's rank at rank[off] (p) or rank[cap + off] (q).  Both arrays
 * carry sentinels: key 0 at [-1] and UINT64_MAX at [n] (no non-NaN double
 * has those keys), so exhausted sides need no test.  The merge runs from
 * both ends at once: two independent dependency chains.  Equal keys order
 * p before q, the same way from either end. */
HPCS_INLINE void ro_merge_ranks(const ro_item *p, int64_t np, const ro_item *q, int64_t nq,
                                int64_t cap, double *vals, int64_t *rank)
{
    const int64_t total = np + nq;
    const ro_item *pf = p, *qf = q, *pb = p + np - 1, *qb = q + nq - 1;
    for (int64_t k = 0; k < (total + 1) / 2; k++) {
        const int front_q = qf->key < pf->key;
        const ro_item *f = ro_pick(pf, qf, front_q);
        vals[k] = ro_value(f->key);
        rank[(cap & -(int64_t)front_q) + f->off] = k;
        qf += front_q;
        pf += 1 - front_q;
        if (k == total - 1 - k) break; /* odd total: the middle is placed */
        const int back_p = pb->key > qb->key;
        const ro_item *b = ro_pick(qb, pb, back_p);
        vals[total - 1 - k] = ro_value(b->key);
        rank[(cap & -(int64_t)(1 - back_p)) + b->off] = total - 1 - k;
        pb -= back_p;
        qb -= 1 - back_p;
    }
}

/* ---- the rank set ---------------------------------------------------------- */

/* Position of the k-th (0-based) set bit of w, k < popcount(w): broadword
 * select (byte prefix counts by multiplication, then bits of that byte). */
HPCS_INLINE int64_t ro_select_in_word(uint64_t w, uint64_t k)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t s = w - ((w >> 1) & 0x5555555555555555ULL);
    s = (s & 0x3333333333333333ULL) + ((s >> 2) & 0x3333333333333333ULL);
    s = (s + (s >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    const uint64_t prefix = s * ones; /* byte i: set bits in bytes 0..i */
    /* High bit of byte i set iff prefix_i <= k; their number is the byte. */
    const uint64_t le = ((k * ones | highs) - prefix) & highs;
    const unsigned place = (unsigned)((((le >> 7) * ones) >> 56) * 8);
    const uint64_t in_byte = k - (((prefix << 8) >> place) & 0xFF);
    /* Same again over the byte's bits, spread one per byte. */
    const uint64_t spread = ((((w >> place) & 0xFF) * ones) & 0x8040201008040201ULL);
    const uint64_t bit_prefix = (((spread + 0x7F7F7F7F7F7F7F7FULL) & highs) >> 7) * ones;
    const uint64_t le2 = ((in_byte * ones | highs) - bit_prefix) & highs;
    return (int64_t)(place + ((((le2 >> 7) * ones) >> 56)));
}

/* Empty set over m ranks; bits and tree must hold enough words. */
HPCS_INLINE void ro_set_clear(ro_set *s, int64_t m)
{
    s->nwords = m > 0 ? (m + 63) / 64 : 1;
    const int64_t groups = (s->nwords + RO_GROUP_WORDS - 1) / RO_GROUP_WORDS;
    s->fsize = 1;
    s->levels = 1;
    for (; s->fsize < groups; s->levels++) s->fsize *= 2;
    s->flat = s->fsize <= RO_FLAT_GROUPS;
    /* Whole groups, so that group scans never read past the words in use. */
    memset(s->bits, 0, (size_t)(groups * RO_GROUP_WORDS) * sizeof *s->bits);
    memset(s->summary, 0, (size_t)((s->nwords + 63) / 64) * sizeof *s->summary);
    s->count = 0;
}

HPCS_INLINE int64_t ro_group_count(const ro_set *s, int64_t group)
{
    int64_t c = 0;
    for (int64_t w = group * RO_GROUP_WORDS; w < (group + 1) * RO_GROUP_WORDS; w++)
        c += __builtin_popcountll(s->bits[w]);
    return c;
}

/* Build the tree from the bits in O(words) (after setting bits directly). */
HPCS_INLINE void ro_set_build(ro_set *s)
{
    int64_t *t = s->tree;
    const int64_t groups = (s->nwords + RO_GROUP_WORDS - 1) / RO_GROUP_WORDS;
    for (int64_t w = 0; w < s->nwords; w++)
        s->summary[w >> 6] |= (uint64_t)(s->bits[w] != 0) << (w & 63);
    s->count = 0;
    for (int64_t i = 1; i <= s->fsize; i++) {
        t[i] = i <= groups ? ro_group_count(s, i - 1) : 0;
        s->count += t[i];
    }
    for (int64_t i = 1; i <= s->fsize && !s->flat; i++) {
        const int64_t j = i + (i & -i);
        if (j <= s->fsize) t[j] += t[i];
    }
}

/* Add delta to the count of a group.  The walk always takes `levels` steps,
 * parking those past the root on the dummy node tree[0]: a fixed trip count
 * is never mispredicted.  Flat counts take one step. */
HPCS_INLINE void ro_tree_add(ro_set *s, int64_t group, int64_t delta)
{
    int64_t i = group + 1;
    if (s->flat) {
        s->tree[i] += delta;
        return;
    }
    for (int level = 0; level < s->levels; level++) {
        s->tree[i <= s->fsize ? i : 0] += delta;
        i += i & -i;
    }
}

/* One slide of the window: insert rank in (absent), erase rank out
 * (present); either may be -1 (nothing).  Within one group the counts
 * cancel and the tree is left alone. */
HPCS_INLINE void ro_set_slide(ro_set *s, int64_t in, int64_t out)
{
    const int64_t gin = in >> RO_GROUP_SHIFT, gout = out >> RO_GROUP_SHIFT; /* -1 stays -1 */
    if (in >= 0) {
        const int64_t w = in >> 6;
        s->bits[w] ^= 1ULL << (in & 63);
        s->summary[w >> 6] |= 1ULL << (w & 63);
    }
    if (out >= 0) {
        const int64_t w = out >> 6;
        s->bits[w] ^= 1ULL << (out & 63);
        s->summary[w >> 6] &= ~((uint64_t)(s->bits[w] == 0) << (w & 63));
    }
    if (gin != gout) {
        if (in >= 0) ro_tree_add(s, gin, 1);
        if (out >= 0) ro_tree_add(s, gout, -1);
    }
    s->count += (in >= 0) - (out >= 0);
}

/* Rank of the k-th (0-based) smallest element, k < count: a tree descent to
 * its group, a popcount scan to its word, a broadword select in the word. */
HPCS_INLINE int64_t ro_select(const ro_set *s, int64_t k)
{
    int64_t group = 0;
    if (s->flat)
        for (int64_t c; k >= (c = s->tree[group + 1]); group++) k -= c;
    for (int64_t step = s->flat ? 0 : s->fsize >> 1; step > 0; step >>= 1) {
        const int64_t c = s->tree[group + step];
        const int skip = c <= k;
        group += skip ? step : 0;
        k -= skip ? c : 0;
    }
    int64_t word = group * RO_GROUP_WORDS;
    for (int64_t c; k >= (c = __builtin_popcountll(s->bits[word])); word++) k -= c;
    return word * 64 + ro_select_in_word(s->bits[word], (uint64_t)k);
}

/* Number of elements with rank <= r. */
HPCS_INLINE int64_t ro_count_le(const ro_set *s, int64_t r)
{
    const int64_t word = r >> 6;
    int64_t c = 0;
    if (s->flat)
        for (int64_t i = r >> RO_GROUP_SHIFT; i > 0; i--) c += s->tree[i];
    else
        for (int64_t i = r >> RO_GROUP_SHIFT; i > 0; i -= i & -i) c += s->tree[i];
    for (int64_t w = (r >> RO_GROUP_SHIFT) * RO_GROUP_WORDS; w < word; w++)
        c += __builtin_popcountll(s->bits[w]);
    return c + __builtin_popcountll(s->bits[word] & (~0ULL >> (63 - (r & 63))));
}

/* First set bit at index >= i of the bit array a[0..nwords), looking at no
 * more than RO_SCAN_WORDS words: the index, -1 if none, -2 if not found yet. */
HPCS_INLINE int64_t ro_scan_up(const uint64_t *a, int64_t nwords, int64_t i)
{
    int64_t word = i >> 6;
    if (word >= nwords) return -1;
    uint64_t b = a[word] & (~0ULL << (i & 63));
    for (int scanned = 0; scanned < RO_SCAN_WORDS; scanned++) {
        if (b) return word * 64 + __builtin_ctzll(b);
        if (++word >= nwords) return -1;
        b = a[word];
    }
    return -2;
}

/* Last set bit at index <= i (i >= 0), likewise. */
HPCS_INLINE int64_t ro_scan_down(const uint64_t *a, int64_t i)
{
    int64_t word = i >> 6;
    uint64_t b = a[word] & (~0ULL >> (63 - (i & 63)));
    for (int scanned = 0; scanned < RO_SCAN_WORDS; scanned++) {
        if (b) return word * 64 + 63 - __builtin_clzll(b);
        if (--word < 0) return -1;
        b = a[word];
    }
    return -2;
}

/* Smallest element rank > r, or -1: in r's word, else through the summary
 * to the next non-empty word, else (a long empty stretch) by the tree. */
HPCS_INLINE int64_t ro_next(const ro_set *s, int64_t r)
{
    const int64_t word = (r + 1) >> 6;
    if (word >= s->nwords) return -1;
    const uint64_t b = s->bits[word] & (~0ULL << ((r + 1) & 63));
    if (b) return word * 64 + __builtin_ctzll(b);
    const int64_t next_word = ro_scan_up(s->summary, (s->nwords + 63) / 64, word + 1);
    if (next_word >= 0) return next_word * 64 + __builtin_ctzll(s->bits[next_word]);
    if (next_word == -1) return -1;
    const int64_t below = ro_count_le(s, r);
    return below < s->count ? ro_select(s, below) : -1;
}

/* Largest element rank < r, or -1, likewise. */
HPCS_INLINE int64_t ro_prev(const ro_set *s, int64_t r)
{
    if (r <= 0) return -1;
    const int64_t word = (r - 1) >> 6;
    const uint64_t b = s->bits[word] & (~0ULL >> (63 - ((r - 1) & 63)));
    if (b) return word * 64 + 63 - __builtin_clzll(b);
    const int64_t prev_word = word > 0 ? ro_scan_down(s->summary, word - 1) : -1;
    if (prev_word >= 0) return prev_word * 64 + 63 - __builtin_clzll(s->bits[prev_word]);
    if (prev_word == -1) return -1;
    const int64_t upto = ro_count_le(s, r - 1);
    return upto > 0 ? ro_select(s, upto - 1) : -1;
}

/* ---- order statistics of the window (count >= 1) -------------------------- */

/* Keep the cursor in step with the set: call after inserting rank r... */
HPCS_INLINE void ro_cursor_inserted(ro_cursor *c, int64_t r)
{
    c->k += r < c->pos; /* arithmetic, not a (random) branch */
}

/* ...and after erasing rank r. */
HPCS_INLINE void ro_cursor_erased(const ro_set *s, ro_cursor *c, int64_t r)
{
    c->k -= r < c->pos;
    if (r == c->pos && c->valid) {
        c->pos = ro_next(s, r); /* its successor takes its place */
        c->valid = c->pos >= 0;
    }
}

/* Rank of the k-th smallest element (k < count): a few steps from where
 * the cursor was (the window moved by one), else a select. */
HPCS_INLINE int64_t ro_cursor_seek(const ro_set *s, ro_cursor *c, int64_t k)
{
    if (!c->valid || c->k - k > RO_SEEK_STEPS || k - c->k > RO_SEEK_STEPS) {
        c->pos = ro_select(s, k);
        c->k = k;
        c->valid = 1;
    }
    for (; c->k < k; c->k++) c->pos = ro_next(s, c->pos);
    for (; c->k > k; c->k--) c->pos = ro_prev(s, c->pos);
    return c->pos;
}

/* numpy median: the middle value, or the mean of the two middle values. */
HPCS_INLINE double ro_median(const ro_set *s, ro_cursor *c)
{
    const int64_t lower = ro_cursor_seek(s, c, (s->count - 1) / 2);
    if (s->count & 1) return s->vals[lower];
    return (s->vals[lower] + s->vals[ro_next(s, lower)]) / 2.0;
}

HPCS_INLINE double ro_quantile(const ro_set *s, ro_cursor *c, double q, int32_t method,
                               ro_qpos *pos)
{
    if (pos->count != s->count) {
        hpcs__quantile_pos(q, s->count, method, &pos->lo, &pos->hi, &pos->frac);
        pos->count = s->count;
    }
    const int64_t lo = ro_cursor_seek(s, c, pos->lo);
    if (pos->hi == pos->lo) return s->vals[lo];
    return hpcs__lerp(s->vals[lo], s->vals[ro_next(s, lo)], pos->frac);
}

HPCS_INLINE double ro_dev(const ro_set *s, int64_t r, double m) { return fabs(s->vals[r] - m); }

/* Keep the run in step with the set: call after inserting rank r... */
HPCS_INLINE void ro_run_inserted(ro_run *run, int64_t r)
{
    if (run->valid && r > run->l && r < run->r) run->size++;
}

/* ...and after erasing rank r. */
HPCS_INLINE void ro_run_erased(const ro_set *s, ro_run *run, int64_t r)
{
    if (!run->valid || r < run->l || r > run->r) return;
    if (--run->size == 0) run->valid = 0;
    else if (r == run->l) run->l = ro_next(s, r);
    else if (r == run->r) run->r = ro_prev(s, r);
}

/* Place the run of the (count+1)/2 smallest deviations from m afresh.  With
 * h = count/2 the run is ranks [h-a, count-a-1] (in set order) for the
 * largest a in [0, h] whose left end deviates no more than the element just
 * past its right end: a bisection over a, each probe two selects. */
HPCS_INLINE void ro_run_bisect(const ro_set *s, ro_run *run, double m)
{
    const int64_t c = s->count, h = c / 2;
    int64_t lo = 0, hi = h;
    while (lo < hi) {
        const int64_t a = lo + (hi - lo + 1) / 2;
        if (ro_dev(s, ro_select(s, h - a), m) <= ro_dev(s, ro_select(s, c - a), m)) lo = a;
        else hi = a - 1;
    }
    run->l = ro_select(s, h - lo);
    run->r = ro_select(s, c - lo - 1);
    run->size = (c + 1) / 2;
    run->valid = 1;
}

/* Resize and slide the run to the (count+1)/2 smallest deviations from m by
 * moving its ends; returns 0 if that takes more than RO_WALK_BUDGET moves.
 * The run is right once no outside neighbour deviates less than the far
 * end it would replace (deviation is unimodal along the ranks). */
HPCS_INLINE int ro_run_walk(const ro_set *s, ro_run *run, double m)
{
    const int64_t target = (s->count + 1) / 2;
    for (int moves = 0; moves < RO_WALK_BUDGET; moves++) {
        if (run->size > target) {
            if (ro_dev(s, run->l, m) > ro_dev(s, run->r, m)) run->l = ro_next(s, run->l);
            else run->r = ro_prev(s, run->r);
            run->size--;
            continue;
        }
        const int64_t ln = ro_prev(s, run->l), rn = ro_next(s, run->r);
        const double dln = ln >= 0 ? ro_dev(s, ln, m) : INFINITY;
        const double drn = rn >= 0 ? ro_dev(s, rn, m) : INFINITY;
        if (run->size < target) {
            if (ln >= 0 && (rn < 0 || dln <= drn)) run->l = ln;
            else run->r = rn;
            run->size++;
        } else if (ln >= 0 && dln < ro_dev(s, run->r, m)) {
            run->l = ln;
            run->r = ro_prev(s, run->r);
        } else if (rn >= 0 && drn < ro_dev(s, run->l, m)) {
            run->r = rn;
            run->l = ro_next(s, run->l);
        } else {
            return 1;
        }
    }
    return 0;
}

/* numpy median(|v - m|) * scale. */
HPCS_INLINE double ro_mad(const ro_set *s, ro_cursor *c, ro_run *run, double scale)
{
    const double m = ro_median(s, c);
    if (!isfinite(m)) {
        /* Every deviation is inf, or NaN where v == m = +-inf (or m is NaN):
         * numpy's median of them is NaN if any is NaN. */
        run->valid = 0;
        const double extreme = s->vals[ro_select(s, m > 0 ? s->count - 1 : 0)];
        return (m == extreme || m != m ? NAN : INFINITY) * scale;
    }
    if (!run->valid || !ro_run_walk(s, run, m)) ro_run_bisect(s, run, m);
    const double dl = ro_dev(s, run->l, m), dr = ro_dev(s, run->r, m);
    double d = dl > dr ? dl : dr;
    if ((s->count & 1) == 0) {
        /* Average with the next deviation, just outside the run. */
        const int64_t ln = ro_prev(s, run->l), rn = ro_next(s, run->r);
        const double dln = ln >= 0 ? ro_dev(s, ln, m) : INFINITY;
        const double drn = rn >= 0 ? ro_dev(s, rn, m) : INFINITY;
        d = (d + (dln < drn ? dln : drn)) / 2.0;
    }
    return d * scale;
}

/* Scratch of one series, carved from one allocation. */
typedef struct ro_scratch {
    void *block;
    ro_item *prev, *cur, *tmp; /* sorted valid items of chunks c-1, c; sort buffer.
                                * Each has a slot before and after (sentinels). */
    int64_t (*count)[256];     /* radix sort counters */
    double *vals;              /* 2 * cap */
    int64_t *rank;             /* 2 * cap: [off] chunk c-1, [cap + off] chunk c; -1 = NaN */
    ro_set set;
} ro_scratch;

/* cap = the most positions of [0, n) in one chunk. */
HPCS_INLINE hpcs_status ro_scratch_alloc(ro_scratch *sc, int64_t cap)
{
    if ((uint64_t)cap > SIZE_MAX / 128) return HPCS_ERR_NOMEM;
    const int64_t groups = (2 * cap + 63) / 64 / RO_GROUP_WORDS + 1;
    const int64_t words = groups * RO_GROUP_WORDS;
    int64_t fsize = 1;
    while (fsize < groups) fsize *= 2;
    const size_t items = (size_t)(cap + 2) * sizeof(ro_item);
    const int64_t summary_words = words / 64 + 1;
    const size_t bytes = 3 * items + 8 * 256 * sizeof(int64_t) +
                         (size_t)(4 * cap) * sizeof(double) +
                         (size_t)(words + summary_words + fsize + 1) * sizeof(uint64_t);
    char *p = malloc(bytes);
    if (p == NULL) return HPCS_ERR_NOMEM;
    sc->block = p;
    sc->prev = (ro_item *)p + 1;
    sc->cur = (ro_item *)(p + items) + 1;
    sc->tmp = (ro_item *)(p + 2 * items) + 1;
    sc->count = (int64_t(*)[256])(p + 3 * items);
    sc->vals = (double *)(sc->count + 8);
    sc->rank = (int64_t *)(sc->vals + 2 * cap);
    sc->set.bits = (uint64_t *)(sc->rank + 2 * cap);
    sc->set.summary = sc->set.bits + words;
    sc->set.tree = (int64_t *)(sc->set.summary + summary_words);
    sc->set.vals = sc->vals;
    sc->prev[-1].key = 0; /* chunk -1: no items */
    sc->prev[0].key = UINT64_MAX;
    return HPCS_OK;
}

/* Rank of position p of [start - chunk, start + chunk) ∩ [0, n) (-1: NaN),
 * for the chunk starting at `start`. */
HPCS_INLINE int64_t ro_rank_of(const ro_scratch *sc, int64_t p, int64_t start, int64_t chunk,
                               int64_t cap)
{
    return p < start ? sc->rank[p - (start - chunk)] : sc->rank[cap + p - start];
}

/* What follows the window from step to step inside a chunk: the order
 * statistic's cursor, MAD's run of smallest deviations, the quantile's
 * position for the last count. */
typedef struct ro_follow {
    ro_run run;
    ro_cursor cursor;
    ro_qpos qpos;
} ro_follow;

#endif /* HPCS_ROLLING_ORDER_RANKSET_H */
