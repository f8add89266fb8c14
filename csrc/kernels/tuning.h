/*
 * tuning.h — every tuning constant of the kernels, in one place.
 *
 * Plain constants: no kernel header tests whether they are defined, so
 * changing one changes that value and nothing else.  Those marked "bits"
 * change results (the summation order of some outputs); the others only
 * the speed.  The measurements behind the values are in docs/decisions.md
 * and docs/design/rolling_order.md.
 */
#ifndef HPCS_TUNING_H
#define HPCS_TUNING_H

/* ---- rolling sum / mean / var / std / min / max (rolling_body.h) -------- */

/* Blocks scanned side by side, transposed into lanes, by the whole-block
 * path (rolling_whole_body.h): enough independent chains for the vector
 * units. */
#define ROLLING_GROUP 16
/* Blocks longer than ROLLING_SUB_FROM go by sub-blocks of about ROLLING_SUB
 * positions (rolling_sub_body.h), ROLLING_SUB_GROUP side by side (with 8,
 * GCC did not vectorize the lane loops).  Below ROLLING_SUB_FROM the whole
 * blocks' scratch still fits the caches and they are faster.  (bits) */
#define ROLLING_SUB 64
#define ROLLING_SUB_GROUP 16
#define ROLLING_SUB_FROM 640
/* Sum and mean with windows up to ROLLING_DIRECT_MAX go by direct sums
 * (rolling_direct_body.h), ROLLING_DIRECT_LANES outputs side by side, in
 * runs of ROLLING_DIRECT_RUN outputs (the units of the task split).  Their
 * cost grows with the window, the blocks' does not: the limit is where the
 * two meet.  (bits) */
#define ROLLING_DIRECT_MAX 16
#define ROLLING_DIRECT_LANES 32
#define ROLLING_DIRECT_RUN 1024
/* The direct path prefetches input and output this many positions ahead:
 * far enough to cover the memory latency, well inside L2. */
#define ROLLING_DIRECT_AHEAD 1024

/* ---- rolling median / quantile / MAD (rolling_order_body.h) ------------- */

enum {
    RO_MIN_CHUNK = 512,  /* chunk floor: amortises per-chunk set-up and sorting */
    RO_RADIX_MIN = 64,   /* fewer items: insertion sort */
    RO_GROUP_SHIFT = 11, /* the tree counts groups of 2^11 ranks... */
    RO_GROUP_WORDS = 32, /* ...i.e. of 32 words */
    RO_SCAN_WORDS = 1,   /* summary words scanned for a neighbour before asking the tree */
    RO_SEEK_STEPS = 8,   /* cursor moves before a select is cheaper */
    RO_WALK_BUDGET = 32, /* MAD run moves per step before bisecting afresh */
    RO_FLAT_GROUPS = 32  /* up to this many groups, plain counts instead of the tree */
};
/* Up to this window, the window's valid values are kept as a sorted array
 * updated in place (rolling_order_sorted_body.h): O(w) per step, but a
 * vectorized count and no per-chunk sorting or set bookkeeping. */
enum { RO_SORTED_MAX_WINDOW = 160 };
/* The sorted windows of consecutive outputs live in a ring of this many
 * keys on the stack (L1-sized), one slot per output. */
enum { RO_RING_KEYS = 2048 };
/* MAD of sorted windows up to RO_MAD_LANES_MAX_WINDOW, RO_MAD_LANES
 * outputs side by side (ro_sorted_mad_lanes). */
enum { RO_MAD_LANES = 8, RO_MAD_LANES_MAX_WINDOW = 16 };

/* ---- median / mad / quantile of a slice (select_body.h) ----------------- */

#define SELECT_SMALL 600 /* below this, plain partitioning about a[k] */
/* Slices from this size use bracketing instead of a full copy. */
#define SELECT_BRACKET_MIN 1024
#define SELECT_SAMPLE 65536 /* largest sample for the bracketing pivots */
/* Values tallied at a time before they are gathered (see bracket_chunk). */
#define BRACKET_SUB 32
/* Room for the out-of-place partition: ranges longer than this are
 * partitioned in place, so the extra memory of a selection stays bounded. */
#define SELECT_PARTITION_MAX ((int64_t)1 << 21)

/* ---- rolling cov / corr (rolling_pair_body.h) ---------------------------- */

/* Blocks scanned side by side, transposed into lanes: PAIR_GROUP, or
 * PAIR_GROUP_LONG for blocks over PAIR_LONG_FROM positions, whose scratch
 * (two inputs and four or six suffix sums a lane) would leave the caches.
 * Each block's arithmetic is the same whatever the group. */
#define PAIR_GROUP 16
#define PAIR_GROUP_LONG 8
#define PAIR_LONG_FROM 256
/* A group of at most PAIR_GROUP_NARROW blocks (a task's last) runs in that
 * many lanes, of at most PAIR_GROUP_LONG in that many. */
#define PAIR_GROUP_NARROW 4
/* cov over longer blocks goes one block at a time (its four suffix sums
 * for one block stay in L2; with lanes they would not). */
#define PAIR_COV_LANES_MAX 1024
/* The z-score (x only, three sums a lane) keeps PAIR_GROUP blocks in lanes
 * up to this length; beyond, its scratch (~50 doubles a position) leaves
 * L3 and one block at a time is faster. */
#define PAIR_ZSCORE_LANES_MAX 16384

#endif /* HPCS_TUNING_H */
