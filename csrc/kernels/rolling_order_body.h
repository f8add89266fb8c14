/*
 * Rolling median / quantile / MAD over one contiguous series, for element
 * type T (see rolling_order.c).  Exact, O(n log w), NaN = missing.
 *
 * Chunked ranks (after Suomela, "Median filtering is equivalent to sorting"):
 *  - Positions are cut into chunks of B = max(window, RO_MIN_CHUNK), so the
 *    window ending at any e in chunk c lies in chunks c-1 and c.
 *  - Each chunk's valid values are sorted once (LSD radix on order-preserving
 *    64-bit keys, a byte a pass: O(B)) and the sorted chunks c-1 and c are
 *    merged (O(B), from both ends at once): every element of the two chunks
 *    gets a rank among their 2B, and `vals` maps rank -> value.
 *  - The window is a set of ranks: a bitset (2B bits), a summary bitset of
 *    its non-empty words, and a Fenwick tree over the counts of groups of
 *    RO_GROUP_WORDS words.  Sliding by one sets one bit and clears one:
 *    O(1) plus O(log(w / 2048)) for the tree.  The neighbour of a rank is a
 *    bit scan (through the summary across empty words, the tree only across
 *    very long empty stretches), so the median / quantile element is followed
 *    from step to step by a cursor that moves a rank or so; the k-th smallest
 *    from scratch (tree descent to the group, popcounts to the word, a
 *    broadword select in it) is needed only to place the cursor.  NaNs are
 *    never inserted; positions outside [0, n) are simply absent.
 *  - MAD: the (c+1)/2 smallest deviations |v - m| form a run of consecutive
 *    present ranks (deviation is unimodal along the sorted values).  The run
 *    is kept from step to step and re-balanced by a few moves of its ends
 *    (O(1) per step on typical data); after RO_WALK_BUDGET moves (e.g. the
 *    median jumping between two clusters) it is placed afresh by bisection on
 *    how many of its elements lie below the median: O(log^2 w) worst case.
 * Windows up to RO_SORTED_MAX_WINDOW take a faster path instead: the window
 * as a sorted key array slid by branch-free selects (see ro_sorted_slide).
 * Everything is allocated once per call; the arithmetic is plain double
 * (numpy's median averaging, hpcs__lerp), identical in every ISA clone.
 */
#ifndef ROLLING_ORDER_HELPERS
#define ROLLING_ORDER_HELPERS

enum {
    RO_MIN_CHUNK = 512,  /* chunk floor: amortises per-chunk set-up and sorting */
    RO_RADIX_MIN = 64,   /* fewer items: insertion sort */
    RO_GROUP_SHIFT = 11, /* the tree counts groups of 2^11 ranks... */
    RO_GROUP_WORDS = 32, /* ...i.e. of 32 words */
    RO_SCAN_WORDS = 1,   /* summary words scanned for a neighbour before asking the tree */
    RO_SEEK_STEPS = 8,   /* cursor moves before a select is cheaper */
    RO_WALK_BUDGET = 32  /* MAD run moves per step before bisecting afresh */
};
_Static_assert(RO_GROUP_WORDS * 64 == 1 << RO_GROUP_SHIFT, "a group is RO_GROUP_WORDS words");

/* RO_ROBUST_Z: the MAD, then the output stage ro_robust_z (rolling_robust_zscore). */
typedef enum ro_op { RO_MEDIAN, RO_QUANTILE, RO_MAD, RO_ROBUST_Z } ro_op;

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
    int64_t *tree;      /* Fenwick tree (1-based) over groups of RO_GROUP_WORDS words */
    int64_t nwords;     /* words covering the m ranks (>= 1) */
    int64_t fsize;      /* tree size: power of two >= groups; tree[0] is a dummy */
    int levels;         /* log2(fsize) + 1: tree nodes above a group */
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

/* hpcs__quantile_pos for the last count seen (the count rarely changes). */
typedef struct ro_qpos {
    int64_t count, lo, hi;
    double frac;
} ro_qpos;

HPCS_INLINE int64_t ro_min(int64_t a, int64_t b) { return a < b ? a : b; }
HPCS_INLINE int64_t ro_max(int64_t a, int64_t b) { return a > b ? a : b; }

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
    for (int64_t i = 1; i <= s->fsize; i++) {
        const int64_t j = i + (i & -i);
        if (j <= s->fsize) t[j] += t[i];
    }
}

/* Add delta to the count of a group.  The walk always takes `levels` steps,
 * parking those past the root on the dummy node tree[0]: a fixed trip count
 * is never mispredicted. */
HPCS_INLINE void ro_tree_add(ro_set *s, int64_t group, int64_t delta)
{
    int64_t i = group + 1;
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
    for (int64_t step = s->fsize >> 1; step > 0; step >>= 1) {
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

/* rolling_robust_zscore's output stage: (v - median) / spread, where the
 * spread is the scaled MAD; NaN where it is zero or NaN (never inf). */
HPCS_INLINE double ro_robust_z(double v, double median, double spread)
{
    return spread > 0.0 ? (v - median) / spread : NAN;
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

/* ---- small windows: the window as a sorted array --------------------------- */

/* Up to this window, the window's valid values are kept as a sorted array
 * updated in place: O(w) per step, but a vectorized count and one short
 * memmove, with no per-chunk sorting or set bookkeeping -- several times
 * faster than the rank set for small w (measured: docs/design/rolling_order.md). */
enum { RO_SORTED_MAX_WINDOW = 160 };
/* The sorted windows of consecutive outputs live in a ring of this many
 * keys on the stack (L1-sized), one slot per output. */
enum { RO_RING_KEYS = 2048 };

/* ro_key as a signed integer (same order): AVX2 compares signed 64-bit only.
 * It is the double's bits with those below the sign flipped for negative
 * values, a map that is its own inverse (three operations each way). */
HPCS_INLINE int64_t ro_skey_of_bits(int64_t u) { return u ^ (int64_t)((uint64_t)(u >> 63) >> 1); }
HPCS_INLINE int64_t ro_skey(double v)
{
    int64_t u;
    memcpy(&u, &v, sizeof u);
    return ro_skey_of_bits(u);
}
HPCS_INLINE double ro_svalue(int64_t k)
{
    const int64_t u = ro_skey_of_bits(k);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* One slide of the sorted window src[0..*count) into dst: insert key kin
 * and erase key kout (present), where RO_NO_KEY stands for "nothing" (a
 * NaN, or a position outside the series).  Both arrays are padded: [-1]
 * holds INT64_MIN and [*count .. *count + 2] hold RO_NO_KEY, so "nothing"
 * sits past the end and erasing or inserting it changes nothing; dst gets
 * the same padding.  No positions are searched: with r = src without
 * kout, r[i] = src[i] < kout ? src[i] : src[i + 1], and with kin inserted
 * dst[i] = r[i] < kin ? r[i] : max(r[i - 1], kin) -- selects between
 * neighbours, a loop with no branch that vectorizes.  (Equal keys are
 * equal bits, so erasing the first copy of kout is erasing kout.) */
#define RO_NO_KEY INT64_MAX
HPCS_INLINE void ro_sorted_slide(const int64_t *restrict src, int64_t *restrict dst,
                                 int64_t *count, int64_t kin, int64_t kout)
{
    const int64_t c = *count;
    for (int64_t i = 0; i <= c + 1; i++) {
        const int64_t before = src[i - 1], here = src[i], after = src[i + 1];
        const int64_t r_before = before < kout ? before : here;
        const int64_t r_here = here < kout ? here : after;
        const int64_t shifted = r_before > kin ? r_before : kin;
        dst[i] = r_here < kin ? r_here : shifted;
    }
    dst[c + 2] = dst[c + 3] = RO_NO_KEY; /* the new count is at most c + 1 */
    *count = c + (kin != RO_NO_KEY) - (kout != RO_NO_KEY);
}

/* The statistics of a sorted window (count >= 1), with the same arithmetic
 * as ro_median / ro_quantile / ro_mad, hence the same bits. */
HPCS_INLINE double ro_sorted_median(const int64_t *keys, int64_t c)
{
    const double lower = ro_svalue(keys[(c - 1) / 2]);
    if (c & 1) return lower;
    return (lower + ro_svalue(keys[c / 2])) / 2.0;
}

HPCS_INLINE double ro_sorted_quantile(const int64_t *keys, int64_t c, double q, int32_t method,
                                      ro_qpos *pos)
{
    if (pos->count != c) {
        hpcs__quantile_pos(q, c, method, &pos->lo, &pos->hi, &pos->frac);
        pos->count = c;
    }
    const double lo = ro_svalue(keys[pos->lo]);
    if (pos->hi == pos->lo) return lo;
    return hpcs__lerp(lo, ro_svalue(keys[pos->lo + 1]), pos->frac);
}

/* How many p in [p0, p1) have a value closer to m than the value gap places
 * to their right: compares without branches, which vectorize. */
HPCS_INLINE int64_t ro_sorted_count_closer(const int64_t *keys, int64_t p0, int64_t p1, int64_t gap,
                                          double m)
{
    int64_t closer = 0;
    for (int64_t p = p0; p < p1; p++)
        closer += fabs(ro_svalue(keys[p]) - m) < fabs(ro_svalue(keys[p + gap]) - m);
    return closer;
}

/* Where the MAD of a sorted window of c values splits (ro_sorted_mad):
 * a has the na values below index h, b the nb others, the middle
 * deviation is the k-th smallest, and the split i lies in [lo, hi]. */
typedef struct ro_mad_split {
    int64_t h, na, nb, k, lo, hi;
} ro_mad_split;

HPCS_INLINE ro_mad_split ro_mad_split_of(int64_t c)
{
    const int64_t h = c / 2, k = (c - 1) / 2;
    return (ro_mad_split){h, h, c - h, k, ro_max(0, k + 1 - (c - h)), ro_min(k + 1, h)};
}

/* MAD: the deviations of the values below the median, read leftwards (a),
 * and of the others, read rightwards (b), are two ascending lists; the
 * middle deviations are the k-th smallest of their union: the first k + 1
 * are a[0..i) and b[0..k + 1 - i), where i is the first index with
 * a[i] >= b[k - i].  That test is monotone in i, so i is found by counting
 * the indices that pass it rather than by bisection, whose steps wait on
 * one another and which GCC compiled to a branch taken at random. */
HPCS_INLINE double ro_sorted_mad(const int64_t *keys, int64_t c, double scale)
{
    const double m = ro_sorted_median(keys, c);
    if (!isfinite(m)) { /* as ro_mad */
        const double extreme = ro_svalue(keys[m > 0 ? c - 1 : 0]);
        return (m == extreme || m != m ? NAN : INFINITY) * scale;
    }
    const ro_mad_split sp = ro_mad_split_of(c);
    const int64_t h = sp.h, na = sp.na, nb = sp.nb, k = sp.k, lo = sp.lo, hi = sp.hi;
#define RO_DEV_A(j) fabs(ro_svalue(keys[h - 1 - (j)]) - m)
#define RO_DEV_B(j) fabs(ro_svalue(keys[h + (j)]) - m)
    /* a[j] is keys[h - 1 - j] and b[k - j] is keys[h + k - j]. */
    const int64_t i = lo + ro_sorted_count_closer(keys, h - hi, h - lo, k + 1, m);
    const int64_t j = k + 1 - i; /* the k + 1 smallest: a[0..i), b[0..j) */
    const double da = i > 0 ? RO_DEV_A(i - 1) : -INFINITY, db = j > 0 ? RO_DEV_B(j - 1) : -INFINITY;
    double d = da > db ? da : db;
    if ((c & 1) == 0) { /* average with the next smallest deviation */
        const double na_dev = i < na ? RO_DEV_A(i) : INFINITY, nb_dev = j < nb ? RO_DEV_B(j) : INFINITY;
        d = (d + (na_dev < nb_dev ? na_dev : nb_dev)) / 2.0;
    }
#undef RO_DEV_A
#undef RO_DEV_B
    return d * scale;
}

/* ro_sorted_mad of RO_MAD_LANES windows with the same count c, slots
 * `stride` keys apart, side by side (one output per vector lane).  Without
 * the count i: of the candidates j of ro_sorted_mad's test, those that
 * pass are j < i and those that fail j >= i, so its four reads a[i - 1],
 * b[k - i], a[i] and b[k + 1 - i] are the largest and smallest deviations
 * of the passing and failing sides, each next to one fixed bound.  Same
 * deviations, same max / min: the same bits.  A lane whose median is not
 * finite is redone by ro_sorted_mad. */
enum { RO_MAD_LANES = 8, RO_MAD_LANES_MAX_WINDOW = 16 };
HPCS_INLINE void ro_sorted_mad_lanes(const int64_t *keys, int64_t stride, int64_t c, double scale,
                                     double res[RO_MAD_LANES])
{
    enum { L = RO_MAD_LANES };
    double v[RO_MAD_LANES_MAX_WINDOW][L], m[L]; /* c <= w <= RO_MAD_LANES_MAX_WINDOW */
    for (int64_t p = 0; p < c; p++)
        for (int l = 0; l < L; l++) v[p][l] = ro_svalue(keys[l * stride + p]);
    for (int l = 0; l < L; l++) m[l] = c & 1 ? v[c / 2][l] : (v[c / 2 - 1][l] + v[c / 2][l]) / 2.0;
    const ro_mad_split sp = ro_mad_split_of(c);
    const int64_t h = sp.h, na = sp.na, nb = sp.nb, k = sp.k, lo = sp.lo, hi = sp.hi;
#define RO_DEV(p) fabs(v[p][l] - m[l])
    /* a[lo - 1], b[k - hi] and a[hi], b[k + 1 - lo], where they exist. */
    double pass_a[L], fail_b[L], fail_a[L], pass_b[L];
    for (int l = 0; l < L; l++) {
        pass_a[l] = lo > 0 ? RO_DEV(h - lo) : -INFINITY;
        fail_b[l] = k - hi >= 0 ? RO_DEV(h + k - hi) : -INFINITY;
        fail_a[l] = hi < na ? RO_DEV(h - 1 - hi) : INFINITY;
        pass_b[l] = k + 1 - lo < nb ? RO_DEV(h + k + 1 - lo) : INFINITY;
    }
    for (int64_t j = lo; j < hi; j++)
        for (int l = 0; l < L; l++) {
            const double da = RO_DEV(h - 1 - j), db = RO_DEV(h + k - j);
            const int pass = da < db;
            const double pa = pass ? da : -INFINITY, fb = pass ? -INFINITY : db;
            const double fa = pass ? INFINITY : da, pb = pass ? db : INFINITY;
            pass_a[l] = pa > pass_a[l] ? pa : pass_a[l];
            fail_b[l] = fb > fail_b[l] ? fb : fail_b[l];
            fail_a[l] = fa < fail_a[l] ? fa : fail_a[l];
            pass_b[l] = pb < pass_b[l] ? pb : pass_b[l];
        }
#undef RO_DEV
    for (int l = 0; l < L; l++) {
        double d = pass_a[l] > fail_b[l] ? pass_a[l] : fail_b[l];
        if ((c & 1) == 0) d = (d + (fail_a[l] < pass_b[l] ? fail_a[l] : pass_b[l])) / 2.0;
        res[l] = d * scale;
    }
    for (int l = 0; l < L; l++)
        if (!isfinite(m[l])) res[l] = ro_sorted_mad(keys + l * stride, c, scale);
}

/* Whether the RO_MAD_LANES windows from counts[0] on hold as many values. */
HPCS_INLINE int ro_same_counts(const int64_t *counts)
{
    int same = 1;
    for (int l = 1; l < RO_MAD_LANES; l++) same &= counts[l] == counts[0];
    return same;
}

/* The statistic `op` of a sorted window of c keys (NaN below min_periods). */
HPCS_INLINE double ro_sorted_stat(ro_op op, const int64_t *keys, int64_t c, const hpcs__rolling_args *a,
                                  ro_qpos *qpos)
{
    if (c < a->min_periods) return NAN;
    if (op == RO_MEDIAN) return ro_sorted_median(keys, c);
    if (op == RO_QUANTILE) return ro_sorted_quantile(keys, c, a->q, a->method, qpos);
    return ro_sorted_mad(keys, c, a->scale);
}
#endif /* ROLLING_ORDER_HELPERS */

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

/* A series and its cut into chunks, the units of the task split. */
typedef struct HPCS_T(ro_job) {
    const T *x;
    T *out;
    int64_t n, chunk;
    hpcs__split split;
    const hpcs__rolling_args *a;
} HPCS_T(ro_job);

/* The rolling statistic `op` over chunks [first, last): chunk loop, then the
 * window slides one position at a time inside the chunk's rank set.  A
 * chunk needs only the previous chunk, sorted, so a run of chunks can start
 * anywhere and gives the same bits. */
HPCS_INLINE hpcs_status HPCS_T(ro_series)(const HPCS_T(ro_job) *job, int64_t first, int64_t last,
                                          const ro_op op)
{
    const T *x = job->x;
    const hpcs__rolling_args *a = job->a;
    const int64_t n = job->n, chunk = job->chunk;
    const int64_t w = a->window, offset = a->offset, last_e = n - 1 + offset;
    const int64_t cap = ro_min(chunk, n);
    ro_scratch sc;
    hpcs_status st = ro_scratch_alloc(&sc, cap);
    if (st != HPCS_OK) return st;
    ro_set *s = &sc.set;
    ro_run run = {0, 0, 0, 0};
    ro_cursor cursor = {0, 0, 0};
    ro_qpos qpos = {0, 0, 0, 0.0};
    int64_t nprev = 0, prev_len = 0;

    for (int64_t c = first > 0 ? first - 1 : 0; c < last; c++) {
        /* Chunk c covers positions [start, start + chunk); windows ending
         * there lie in [start - chunk, start + chunk). */
        const int64_t start = c * chunk;
        const int64_t len = start < n ? ro_min(chunk, n - start) : 0;
        const int64_t ncur = HPCS_T(ro_load_chunk)(x + start, len, &sc, sc.rank + cap);
        if (c >= first) {
            for (int64_t t = 0; t < prev_len; t++) sc.rank[t] = -1;
            const int64_t m = nprev + ncur;
            ro_merge_ranks(sc.prev, nprev, sc.cur, ncur, cap, sc.vals, sc.rank);
            /* The window ending just before the chunk's first output. */
            const int64_t e_first = start > offset ? start : offset;
            const int64_t e_last = start + ro_min(chunk - 1, last_e - start);
            ro_set_clear(s, m);
            for (int64_t p = ro_max(0, e_first - w); p < ro_min(n, e_first); p++) {
                const int64_t r = ro_rank_of(&sc, p, start, chunk, cap);
                if (r >= 0) s->bits[r >> 6] |= 1ULL << (r & 63);
            }
            ro_set_build(s);
            run.valid = 0;
            cursor.valid = 0;

            for (int64_t e = e_first; e <= e_last; e++) {
                const int64_t gone = e - w;
                const int64_t added = e < n ? ro_rank_of(&sc, e, start, chunk, cap) : -1;
                const int64_t removed =
                    gone >= 0 && gone < n ? ro_rank_of(&sc, gone, start, chunk, cap) : -1;
                ro_set_slide(s, added, removed);
                if (added >= 0) {
                    ro_cursor_inserted(&cursor, added);
                    if (op >= RO_MAD) ro_run_inserted(&run, added);
                }
                if (removed >= 0) {
                    ro_cursor_erased(s, &cursor, removed);
                    if (op >= RO_MAD) ro_run_erased(s, &run, removed);
                }
                double res = NAN;
                if (s->count >= a->min_periods) {
                    if (op == RO_MEDIAN) res = ro_median(s, &cursor);
                    else if (op == RO_QUANTILE)
                        res = ro_quantile(s, &cursor, a->q, a->method, &qpos);
                    else res = ro_mad(s, &cursor, &run, a->scale);
                    if (op == RO_ROBUST_Z)
                        res = ro_robust_z((double)x[e - offset], ro_median(s, &cursor), res);
                }
                job->out[e - offset] = (T)res;
            }
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
    for (int64_t i = 0; i < RO_RING_KEYS; i++) ring[i] = i % stride ? RO_NO_KEY : INT64_MIN;
#define RO_SLOT(g) (ring + (g) * stride + 1)
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
    if (keys != RO_SLOT(0)) memcpy(RO_SLOT(0), keys, (size_t)(stride - 1) * sizeof *keys);
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
        memcpy(RO_SLOT(0), RO_SLOT(len), (size_t)(stride - 1) * sizeof *keys);
    }
#undef RO_SLOT
}

/* Run task(job, t) over the chunks (see hpcs__split_units). */
static hpcs_status HPCS_T(ro_run)(const void *x, int64_t n, const hpcs__rolling_args *a,
                                  void *out, hpcs__task_fn task)
{
    if (n == 0) return HPCS_OK;
    HPCS_T(ro_job) job = {.x = x, .out = out, .n = n, .a = a};
    job.chunk = a->window > RO_MIN_CHUNK ? a->window : RO_MIN_CHUNK;
    const int64_t nchunks = (n - 1 + a->offset) / job.chunk + 1;
    job.split = hpcs__split_units(nchunks, job.chunk, 1, a->nthreads);
    return hpcs__parallel_for_output(a->nthreads, job.split.ntasks, task, &job, out,
                                     (size_t)n * sizeof(T));
}

#define RO_KERNEL(name, op)                                                                       \
    HPCS_CLONES static hpcs_status HPCS_T(name##_task)(void *ctx, int64_t t)                      \
    {                                                                                             \
        const HPCS_T(ro_job) *job = ctx;                                                          \
        int64_t first, last;                                                                      \
        hpcs__task_units(&job->split, t, &first, &last);                                          \
        if (job->a->window > RO_SORTED_MAX_WINDOW) return HPCS_T(ro_series)(job, first, last, op);\
        HPCS_T(ro_sorted_series)(job, first, last, op);                                           \
        return HPCS_OK;                                                                           \
    }                                                                                             \
    static hpcs_status HPCS_T(name)(const void *x, int64_t n, const hpcs__rolling_args *a,        \
                                    void *out)                                                    \
    {                                                                                             \
        return HPCS_T(ro_run)(x, n, a, out, HPCS_T(name##_task));                                 \
    }
RO_KERNEL(rolling_median_1d, RO_MEDIAN)
RO_KERNEL(rolling_quantile_1d, RO_QUANTILE)
RO_KERNEL(rolling_mad_1d, RO_MAD)
RO_KERNEL(rolling_robust_zscore_1d, RO_ROBUST_Z)
#undef RO_KERNEL

/* ---- public entry points ------------------------------------------------- */

HPCS_API hpcs_status HPCS_T(hpcs_rolling_median)(const T *x, int64_t outer, int64_t n,
                                                 int64_t inner, int64_t window,
                                                 int64_t min_periods, uint32_t flags, T *out)
{
    hpcs__rolling_args a = {0};
    return hpcs__rolling_layout(HPCS_T(rolling_median_1d), HPCS_FAMILY_ROLLING_ORDER, sizeof(T),
                                x, outer, n, inner, window, min_periods, flags, &a, out);
}

HPCS_API hpcs_status HPCS_T(hpcs_rolling_quantile)(const T *x, int64_t outer, int64_t n,
                                                   int64_t inner, int64_t window,
                                                   int64_t min_periods, double q, int32_t method,
                                                   uint32_t flags, T *out)
{
    if (!(q >= 0.0 && q <= 1.0) || method < 0 || method >= HPCS_Q_METHOD_COUNT)
        return HPCS_ERR_ARG;
    hpcs__rolling_args a = {.q = q, .method = method};
    return hpcs__rolling_layout(HPCS_T(rolling_quantile_1d), HPCS_FAMILY_ROLLING_ORDER,
                                sizeof(T), x, outer, n, inner, window, min_periods, flags, &a,
                                out);
}

HPCS_API hpcs_status HPCS_T(hpcs_rolling_mad)(const T *x, int64_t outer, int64_t n, int64_t inner,
                                              int64_t window, int64_t min_periods, double scale,
                                              uint32_t flags, T *out)
{
    hpcs__rolling_args a = {.scale = scale};
    return hpcs__rolling_layout(HPCS_T(rolling_mad_1d), HPCS_FAMILY_ROLLING_ORDER, sizeof(T), x,
                                outer, n, inner, window, min_periods, flags, &a, out);
}

/* (x - rolling median) / (1.482602218505602 * rolling MAD), from the MAD's
 * own sweep (its median is at hand). */
HPCS_API hpcs_status HPCS_T(hpcs_rolling_robust_zscore)(const T *x, int64_t outer, int64_t n,
                                                        int64_t inner, int64_t window,
                                                        int64_t min_periods, uint32_t flags,
                                                        T *out)
{
    hpcs__rolling_args a = {.scale = 1.482602218505602};
    return hpcs__rolling_layout(HPCS_T(rolling_robust_zscore_1d), HPCS_FAMILY_ROLLING_ORDER,
                                sizeof(T), x, outer, n, inner, window, min_periods, flags, &a,
                                out);
}
