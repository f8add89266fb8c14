/*
 * Grouped reductions over values x[0..n) with integer codes[0..n), for
 * element type T (see group.c).  Code k < ngroups sends the value to group
 * k; a negative code leaves it out; a code >= ngroups is HPCS_ERR_ARG.
 *
 * One pass over values and codes.  The series is cut into parts whose
 * length depends only on n and ngroups (at least HPCS_CHUNK values and 32 per
 * group, at most GROUP_MAX_PARTS parts); each part fills its own table of
 * per-group accumulators, and the tables are merged in part order, so the
 * bits never depend on the thread count.
 *
 * sum/mean: compensated sums, TwoSum per value (its rounded sum is the plain
 * sum, which stands in when the compensated one is not finite, so inf/NaN
 * follow IEEE); var/std: Welford
 * on values shifted by each group's first value, per part, merged with
 * Chan's formula (stable on 1e9 + N(0,1) data);
 * min/max: exact, with a NaN count for skipna=False.  From
 * GROUP_PREFETCH_GROUPS groups on, the pass prefetches the table entries of
 * the codes ahead of it (the table no longer fits in the L2 cache).
 */
#ifndef GROUP_ONCE
#define GROUP_ONCE
enum {
    GROUP_SUM = HPCS_GROUP_SUM,
    GROUP_MEAN = HPCS_GROUP_MEAN,
    GROUP_VAR = HPCS_GROUP_VAR,
    GROUP_STD = HPCS_GROUP_STD,
    GROUP_MIN = HPCS_GROUP_MIN,
    GROUP_MAX = HPCS_GROUP_MAX,
    GROUP_COUNT = HPCS_GROUP_COUNT
};
#define GROUP_MAX_PARTS 256

/* (count, sum, compensation, 0) or (count, mean - shift, m2, shift)
 * or (count, extreme, NaN count, 0): the public table layout (hpcs.h,
 * "Part tables"), so a table is 4 * ngroups doubles. */
typedef struct group_acc {
    double n, a, b, c;
} group_acc;
_Static_assert(sizeof(group_acc) == 4 * sizeof(double), "a table entry is 4 doubles");

HPCS_INLINE void group_twosum_add(double *sum, double *comp, double v)
{
    const double t = *sum + v;
    const double vv = t - *sum;
    *comp += (*sum - (t - vv)) + (v - vv);
    *sum = t;
}

HPCS_INLINE void group_init(group_acc *acc, int64_t ngroups, int op)
{
    const double init = op == GROUP_MIN ? INFINITY : op == GROUP_MAX ? -INFINITY : 0.0;
    for (int64_t g = 0; g < ngroups; g++) acc[g] = (group_acc){0.0, init, 0.0, 0.0};
}

/* Merge part p into acc (same group). */
HPCS_INLINE void group_merge(group_acc *acc, const group_acc *p, int op)
{
    switch (op) {
    case GROUP_VAR:
    case GROUP_STD: {
        if (p->n == 0.0) return;
        if (acc->n == 0.0) {
            *acc = *p;
            return;
        }
        /* Each part's mean is relative to its own shift (its first value). */
        const double nt = acc->n + p->n, delta = (p->c - acc->c) + (p->a - acc->a);
        acc->a += delta * (p->n / nt);
        acc->b += p->b + delta * delta * (acc->n * p->n / nt);
        acc->n = nt;
        return;
    }
    case GROUP_MIN:
        acc->a = p->a < acc->a ? p->a : acc->a;
        break;
    case GROUP_MAX:
        acc->a = p->a > acc->a ? p->a : acc->a;
        break;
    case GROUP_COUNT:
        break;
    default: /* sum, mean */
        group_twosum_add(&acc->a, &acc->b, p->a);
        acc->b += p->b;
        break;
    }
    acc->n += p->n;
    if (op == GROUP_MIN || op == GROUP_MAX) acc->b += p->b;
}

static double group_result(const group_acc *acc, int op, int64_t ddof)
{
    switch (op) {
    case GROUP_SUM:
    case GROUP_MEAN: {
        /* a is the plain sum: TwoSum's rounded sums are the plain additions. */
        double s = acc->a + acc->b;
        if (!isfinite(s)) s = acc->a;
        if (op == GROUP_SUM) return acc->n > 0.0 ? s : 0.0;
        return acc->n > 0.0 ? s / acc->n : NAN;
    }
    case GROUP_VAR:
    case GROUP_STD: {
        const double dof = acc->n - (double)ddof;
        double var = dof > 0.0 && isfinite(acc->a) ? acc->b / dof : NAN;
        if (var < 0.0) var = 0.0;
        return op == GROUP_STD ? sqrt(var) : var;
    }
    case GROUP_MIN:
    case GROUP_MAX:
        return acc->n == 0.0 || acc->b > 0.0 ? NAN : acc->a;
    default:
        return acc->n;
    }
}


/* The part boundaries: part p is [p * part_len, min(n, (p + 1) * part_len)),
 * a function of n and ngroups only. */
static hpcs_status group_parts(int64_t n, int64_t ngroups, int64_t *part_len, int64_t *nparts)
{
    if (n < 0 || ngroups < 0) return HPCS_ERR_ARG;
    int64_t len = ngroups > HPCS_CHUNK / 32 ? 32 * ngroups : HPCS_CHUNK;
    int64_t count = n > 0 ? 1 + (n - 1) / len : 1;
    if (count > GROUP_MAX_PARTS) {
        len = 1 + (n - 1) / GROUP_MAX_PARTS;
        count = 1 + (n - 1) / len;
    }
    *part_len = len;
    *nparts = count;
    return HPCS_OK;
}

/* Prefetch distance in values, and the number of groups from which the
 * table (32 bytes a group) is prefetched: a table that stays in the L1/L2
 * cache gains nothing from it. */
#define GROUP_PREFETCH 16
#define GROUP_PREFETCH_GROUPS 16384

/* Groups per task of the merge: each group's parts are merged in part order
 * whatever the task, so the split only spreads the work over threads. */
#define GROUP_MERGE_BLOCK 1024

typedef struct group_merge_job {
    group_acc *tables;
    int64_t ntables, ngroups, ddof;
    int op;
    double *out;     /* results, or NULL */
    int64_t *counts; /* group_count's results, or NULL */
} group_merge_job;

/* Merge groups [g0, g1) of tables 1..ntables-1 into table 0, in part order,
 * and write their results. */
static hpcs_status group_merge_task(void *ctx, int64_t task)
{
    const group_merge_job *job = ctx;
    const int64_t g0 = task * GROUP_MERGE_BLOCK;
    const int64_t g1 = job->ngroups - g0 < GROUP_MERGE_BLOCK ? job->ngroups : g0 + GROUP_MERGE_BLOCK;
    group_acc *acc = job->tables;
    for (int64_t p = 1; p < job->ntables; p++) {
        const group_acc *part = job->tables + p * job->ngroups;
        for (int64_t g = g0; g < g1; g++) group_merge(&acc[g], &part[g], job->op);
    }
    if (job->out != NULL)
        for (int64_t g = g0; g < g1; g++) job->out[g] = group_result(&acc[g], job->op, job->ddof);
    if (job->counts != NULL)
        for (int64_t g = g0; g < g1; g++) job->counts[g] = (int64_t)acc[g].n;
    return HPCS_OK;
}

/* Merge the tables into table 0 and write the results (out or counts). */
static hpcs_status group_merge_results(group_acc *tables, int64_t ntables, int64_t ngroups,
                                       int op, int64_t ddof, double *out, int64_t *counts)
{
    group_merge_job job = {.tables = tables, .ntables = ntables, .ngroups = ngroups,
                           .ddof = ddof, .op = op, .out = out, .counts = counts};
    const int64_t ntasks = ngroups > 0 ? 1 + (ngroups - 1) / GROUP_MERGE_BLOCK : 0;
    return hpcs__parallel_for(hpcs__plan(HPCS_FAMILY_REDUCE, ntables * ngroups, ntasks), ntasks,
                              group_merge_task, &job);
}

HPCS_API hpcs_status hpcs_group_parts(int64_t n, int64_t ngroups, int64_t *part_len,
                                      int64_t *nparts)
{
    if (part_len == NULL || nparts == NULL) return HPCS_ERR_NULL;
    return group_parts(n, ngroups, part_len, nparts);
}

HPCS_API hpcs_status hpcs_group_table_init(int64_t ngroups, int32_t op, double *table)
{
    if (ngroups < 0 || op < 0 || op >= HPCS_GROUP_OP_COUNT) return HPCS_ERR_ARG;
    if (table == NULL && ngroups > 0) return HPCS_ERR_NULL;
    group_init((group_acc *)table, ngroups, op);
    return HPCS_OK;
}

HPCS_API hpcs_status hpcs_group_finish(double *tables, int64_t ntables, int64_t ngroups,
                                       int32_t op, int64_t ddof, double *out)
{
    if (ntables < 1 || ngroups < 0 || ddof < 0 || op < 0 || op >= HPCS_GROUP_OP_COUNT)
        return HPCS_ERR_ARG;
    if ((tables == NULL || out == NULL) && ngroups > 0) return HPCS_ERR_NULL;
    return group_merge_results((group_acc *)tables, ntables, ngroups, op, ddof, out, NULL);
}
#endif

typedef struct HPCS_T(group_job) {
    const T *x;
    const int64_t *codes;
    int64_t n, ngroups, part_len;
    int op, skipna;
    group_acc *tables; /* nparts * ngroups */
} HPCS_T(group_job);

HPCS_INLINE hpcs_status HPCS_T(group_pass)(const T *x, const int64_t *codes, int64_t len,
                                           int64_t ngroups, group_acc *acc, const int op,
                                           const int skipna, const int prefetch)
{
    for (int64_t i = 0; i < len; i++) {
        if (prefetch) {
            /* The codes are known ahead: ask for the entry GROUP_PREFETCH
             * values on (the first entry for a code that is out of range). */
            const int64_t j = i + GROUP_PREFETCH < len ? i + GROUP_PREFETCH : i;
            const uint64_t h = (uint64_t)codes[j];
            __builtin_prefetch(&acc[h < (uint64_t)ngroups ? h : 0], 1, 3);
        }
        const int64_t g = codes[i];
        if (op == GROUP_VAR || op == GROUP_COUNT) {
            /* Two tests: GCC lays these loops out worse around one. */
            if (g < 0) continue;
            if (g >= ngroups) return HPCS_ERR_ARG;
        } else if ((uint64_t)g >= (uint64_t)ngroups) {
            /* One unsigned test lets the common case through; negative
             * codes (left out) and codes >= ngroups (an error) fail it. */
            if (g < 0) continue;
            return HPCS_ERR_ARG;
        }
        const double v = (double)x[i];
        if (skipna && v != v) continue;
        group_acc *a = &acc[g];
        a->n += 1.0;
        switch (op) {
        case GROUP_VAR:
        case GROUP_STD: {
            /* Welford on v - shift, shift = the group's first value: with
             * data far from 0 (1e9 + N(0,1)) the differences are exact and
             * the running mean keeps all its digits.  The reciprocal of the
             * count depends on the count alone, so its division runs beside
             * the chain of updates of the group's mean rather than in it. */
            if (a->n == 1.0) a->c = v;
            const double s = v - a->c, d = s - a->a, r = 1.0 / a->n;
            a->a += d * r;
            a->b += d * (s - a->a);
            break;
        }
        case GROUP_MIN:
            a->a = v < a->a ? v : a->a;
            if (!skipna) a->b += v != v ? 1.0 : 0.0;
            break;
        case GROUP_MAX:
            a->a = v > a->a ? v : a->a;
            if (!skipna) a->b += v != v ? 1.0 : 0.0;
            break;
        case GROUP_COUNT:
            break;
        default: {
            const double t = a->a + v, vv = t - a->a;
            a->b += (a->a - (t - vv)) + (v - vv);
            a->a = t;
            break;
        }
        }
    }
    return HPCS_OK;
}

/* Continue the pass over len more values of one part into its table acc. */
HPCS_INLINE hpcs_status HPCS_T(group_fill)(const T *x, const int64_t *c, int64_t len,
                                           int64_t ngroups, group_acc *acc, int op, int skipna,
                                           const int pf)
{
    switch (op) {
    case GROUP_SUM:
    case GROUP_MEAN:
        return skipna ? HPCS_T(group_pass)(x, c, len, ngroups, acc, GROUP_SUM, 1, pf)
                      : HPCS_T(group_pass)(x, c, len, ngroups, acc, GROUP_SUM, 0, pf);
    case GROUP_VAR:
    case GROUP_STD:
        return skipna ? HPCS_T(group_pass)(x, c, len, ngroups, acc, GROUP_VAR, 1, pf)
                      : HPCS_T(group_pass)(x, c, len, ngroups, acc, GROUP_VAR, 0, pf);
    case GROUP_MIN:
        return skipna ? HPCS_T(group_pass)(x, c, len, ngroups, acc, GROUP_MIN, 1, pf)
                      : HPCS_T(group_pass)(x, c, len, ngroups, acc, GROUP_MIN, 0, pf);
    case GROUP_MAX:
        return skipna ? HPCS_T(group_pass)(x, c, len, ngroups, acc, GROUP_MAX, 1, pf)
                      : HPCS_T(group_pass)(x, c, len, ngroups, acc, GROUP_MAX, 0, pf);
    default:
        return skipna ? HPCS_T(group_pass)(x, c, len, ngroups, acc, GROUP_COUNT, 1, pf)
                      : HPCS_T(group_pass)(x, c, len, ngroups, acc, GROUP_COUNT, 0, pf);
    }
}

/* group_fill prefetching the entries, for a large table: a function of its
 * own, so that the loops for smaller tables keep their code. */
HPCS_CLONES __attribute__((noinline)) static hpcs_status
HPCS_T(group_fill_far)(const T *x, const int64_t *c, int64_t len, int64_t ngroups, group_acc *acc,
                       int op, int skipna)
{
    return HPCS_T(group_fill)(x, c, len, ngroups, acc, op, skipna, 1);
}

/* The pass over len values into acc, prefetching from GROUP_PREFETCH_GROUPS on. */
HPCS_INLINE hpcs_status HPCS_T(group_run)(const T *x, const int64_t *c, int64_t len,
                                          int64_t ngroups, group_acc *acc, int op, int skipna)
{
    if (ngroups >= GROUP_PREFETCH_GROUPS)
        return HPCS_T(group_fill_far)(x, c, len, ngroups, acc, op, skipna);
    return HPCS_T(group_fill)(x, c, len, ngroups, acc, op, skipna, 0);
}

HPCS_CLONES static hpcs_status HPCS_T(group_task)(void *ctx, int64_t part)
{
    const HPCS_T(group_job) *job = ctx;
    const int64_t s = part * job->part_len;
    const int64_t len = job->n - s < job->part_len ? job->n - s : job->part_len;
    group_acc *acc = job->tables + part * job->ngroups;
    group_init(acc, job->ngroups, job->op);
    return HPCS_T(group_run)(job->x + s, job->codes + s, len, job->ngroups, acc, job->op,
                             job->skipna);
}

/* One part's table, fed in consecutive slices (see hpcs.h, "Part tables"). */
HPCS_API HPCS_CLONES hpcs_status HPCS_T(hpcs_group_accumulate)(const T *x, const int64_t *codes,
                                                               int64_t len, int64_t ngroups,
                                                               int32_t op, uint32_t flags,
                                                               double *table)
{
    if (len < 0 || ngroups < 0 || op < 0 || op >= HPCS_GROUP_OP_COUNT) return HPCS_ERR_ARG;
    if (len > 0 && (x == NULL || codes == NULL || table == NULL)) return HPCS_ERR_NULL;
    return HPCS_T(group_run)(x, codes, len, ngroups, (group_acc *)table, op,
                             (flags & HPCS_SKIPNA) != 0);
}

/* Reduce by group: fill the parts' tables, merge them and write the results
 * (out, or counts for group_count). */
static hpcs_status HPCS_T(group_entry)(const T *x, const int64_t *codes, int64_t n,
                                       int64_t ngroups, int op, int64_t ddof, uint32_t flags,
                                       double *out, int64_t *counts)
{
    if (ddof < 0) return HPCS_ERR_ARG;
    if (out == NULL && counts == NULL && ngroups > 0) return HPCS_ERR_NULL;
    int64_t part_len, nparts;
    if (group_parts(n, ngroups, &part_len, &nparts) != HPCS_OK) return HPCS_ERR_ARG;
    if (n > 0 && (x == NULL || codes == NULL)) return HPCS_ERR_NULL;
    const size_t count = (size_t)nparts * (size_t)(ngroups > 0 ? ngroups : 1);
    if (count > SIZE_MAX / sizeof(group_acc)) return HPCS_ERR_NOMEM;
    group_acc *tables = malloc(count * sizeof(group_acc));
    if (tables == NULL) return HPCS_ERR_NOMEM;
    HPCS_T(group_job) job = {.x = x, .codes = codes, .n = n, .ngroups = ngroups,
                             .part_len = part_len, .op = op,
                             .skipna = (flags & HPCS_SKIPNA) != 0, .tables = tables};
    hpcs_status st = hpcs__parallel_for(hpcs__plan(HPCS_FAMILY_REDUCE, n, nparts), nparts,
                                        HPCS_T(group_task), &job);
    if (st == HPCS_OK && n == 0) group_init(tables, ngroups, op);
    if (st == HPCS_OK)
        st = group_merge_results(tables, nparts, ngroups, op, ddof, out, counts);
    free(tables);
    return st;
}

#define GROUP_ENTRY(name, op)                                                                      \
    HPCS_API hpcs_status HPCS_T(hpcs_group_##name)(const T *x, const int64_t *codes, int64_t n,    \
                                                   int64_t ngroups, uint32_t flags, double *out)   \
    {                                                                                              \
        return HPCS_T(group_entry)(x, codes, n, ngroups, op, 0, flags, out, NULL);                 \
    }
GROUP_ENTRY(sum, GROUP_SUM)
GROUP_ENTRY(mean, GROUP_MEAN)
GROUP_ENTRY(min, GROUP_MIN)
GROUP_ENTRY(max, GROUP_MAX)
#undef GROUP_ENTRY

HPCS_API hpcs_status HPCS_T(hpcs_group_var)(const T *x, const int64_t *codes, int64_t n,
                                            int64_t ngroups, int64_t ddof, uint32_t flags,
                                            double *out)
{
    return HPCS_T(group_entry)(x, codes, n, ngroups, GROUP_VAR, ddof, flags, out, NULL);
}

HPCS_API hpcs_status HPCS_T(hpcs_group_std)(const T *x, const int64_t *codes, int64_t n,
                                            int64_t ngroups, int64_t ddof, uint32_t flags,
                                            double *out)
{
    return HPCS_T(group_entry)(x, codes, n, ngroups, GROUP_STD, ddof, flags, out, NULL);
}

HPCS_API hpcs_status HPCS_T(hpcs_group_count)(const T *x, const int64_t *codes, int64_t n,
                                              int64_t ngroups, uint32_t flags, int64_t *out)
{
    return HPCS_T(group_entry)(x, codes, n, ngroups, GROUP_COUNT, 0, flags, NULL, out);
}
