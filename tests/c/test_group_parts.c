/*
 * The public part tables (hpcs.h, "Part tables") reproduce hpcs_group_*
 * bit for bit: each part's table filled in slices cut at pseudo-random
 * points, the tables merged and finalised by hpcs_group_finish.  Also the
 * argument checks of the four entry points.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcs.h"

static uint64_t state = 88172645463325252ULL;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static double normalish(void)
{
    double s = 0.0;
    for (int i = 0; i < 4; i++) s += (double)(next() >> 11) * 0x1p-53;
    return s - 2.0;
}

static int failures = 0;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                             \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* The whole call, as a double per group (count converted). */
static hpcs_status whole(const double *x, const float *xf, const int64_t *codes, int64_t n,
                         int64_t ngroups, int op, int64_t ddof, uint32_t flags, double *out)
{
    int64_t *counts = malloc(sizeof(int64_t) * (size_t)(ngroups + 1));
    hpcs_status st = HPCS_ERR_ARG;
    switch (op) {
#define CASE(OP, name)                                                                             \
    case OP:                                                                                       \
        st = x ? hpcs_group_##name##_f64(x, codes, n, ngroups, flags, out)                         \
               : hpcs_group_##name##_f32(xf, codes, n, ngroups, flags, out);                       \
        break;
        CASE(HPCS_GROUP_SUM, sum)
        CASE(HPCS_GROUP_MEAN, mean)
        CASE(HPCS_GROUP_MIN, min)
        CASE(HPCS_GROUP_MAX, max)
#undef CASE
    case HPCS_GROUP_VAR:
        st = x ? hpcs_group_var_f64(x, codes, n, ngroups, ddof, flags, out)
               : hpcs_group_var_f32(xf, codes, n, ngroups, ddof, flags, out);
        break;
    case HPCS_GROUP_STD:
        st = x ? hpcs_group_std_f64(x, codes, n, ngroups, ddof, flags, out)
               : hpcs_group_std_f32(xf, codes, n, ngroups, ddof, flags, out);
        break;
    default:
        st = x ? hpcs_group_count_f64(x, codes, n, ngroups, flags, counts)
               : hpcs_group_count_f32(xf, codes, n, ngroups, flags, counts);
        for (int64_t g = 0; g < ngroups; g++) out[g] = (double)counts[g];
        break;
    }
    free(counts);
    return st;
}

/* The same from part tables, each part fed in up to 4 slices. */
static hpcs_status by_parts(const double *x, const float *xf, const int64_t *codes, int64_t n,
                            int64_t ngroups, int op, int64_t ddof, uint32_t flags, double *out)
{
    int64_t part_len, nparts;
    hpcs_status st = hpcs_group_parts(n, ngroups, &part_len, &nparts);
    if (st != HPCS_OK) return st;
    double *tables = malloc(sizeof(double) * 4 * (size_t)(nparts * ngroups + 1));
    for (int64_t p = 0; p < nparts && st == HPCS_OK; p++) {
        double *table = tables + 4 * p * ngroups;
        st = hpcs_group_table_init(ngroups, op, table);
        const int64_t s = p * part_len, t = s + part_len < n ? s + part_len : n;
        int64_t lo = s;
        while (st == HPCS_OK && lo < t) {
            int64_t hi = lo + 1 + (int64_t)(next() % (uint64_t)(t - lo));
            if (next() % 4 == 0) hi = t;
            st = x ? hpcs_group_accumulate_f64(x + lo, codes + lo, hi - lo, ngroups, op, flags,
                                               table)
                   : hpcs_group_accumulate_f32(xf + lo, codes + lo, hi - lo, ngroups, op, flags,
                                               table);
            lo = hi;
        }
    }
    if (st == HPCS_OK) st = hpcs_group_finish(tables, nparts, ngroups, op, ddof, out);
    free(tables);
    return st;
}

int main(void)
{
    const int64_t sizes[] = {0, 1, 100, 3 * 65536 + 5};
    const int64_t group_counts[] = {0, 1, 7, 9000};
    const int64_t nmax = 3 * 65536 + 5;
    double *x = malloc(sizeof(double) * (size_t)nmax);
    float *xf = malloc(sizeof(float) * (size_t)nmax);
    int64_t *codes = malloc(sizeof(int64_t) * (size_t)nmax);
    double *a = malloc(sizeof(double) * 9000), *b = malloc(sizeof(double) * 9000);
    int cases = 0;
    for (int si = 0; si < 4; si++)
        for (int gi = 0; gi < 4; gi++) {
            const int64_t n = sizes[si], ngroups = group_counts[gi];
            for (int64_t i = 0; i < n; i++) {
                x[i] = 1e9 + normalish();
                if (next() % 50 == 0) x[i] = NAN;
                if (next() % 5000 == 0) x[i] = next() % 2 ? INFINITY : -INFINITY;
                xf[i] = (float)x[i];
                codes[i] = ngroups ? (int64_t)(next() % (uint64_t)(ngroups + 1)) - 1 : -1;
            }
            for (int op = 0; op < HPCS_GROUP_OP_COUNT; op++)
                for (uint32_t flags = 0; flags <= HPCS_SKIPNA; flags++)
                    for (int f32 = 0; f32 < 2; f32++) {
                        const double *xd = f32 ? NULL : x;
                        const float *xs = f32 ? xf : NULL;
                        CHECK(whole(xd, xs, codes, n, ngroups, op, 1, flags, a) == HPCS_OK);
                        CHECK(by_parts(xd, xs, codes, n, ngroups, op, 1, flags, b) == HPCS_OK);
                        CHECK(memcmp(a, b, sizeof(double) * (size_t)ngroups) == 0);
                        cases++;
                    }
        }
    /* Arguments. */
    int64_t len, count;
    double table[8], out[2];
    CHECK(hpcs_group_parts(-1, 2, &len, &count) == HPCS_ERR_ARG);
    CHECK(hpcs_group_parts(5, -1, &len, &count) == HPCS_ERR_ARG);
    CHECK(hpcs_group_parts(5, 2, NULL, &count) == HPCS_ERR_NULL);
    CHECK(hpcs_group_parts(INT64_MAX, 1, &len, &count) == HPCS_OK && count <= 256);
    CHECK(hpcs_group_table_init(2, HPCS_GROUP_OP_COUNT, table) == HPCS_ERR_ARG);
    CHECK(hpcs_group_table_init(2, -1, table) == HPCS_ERR_ARG);
    CHECK(hpcs_group_table_init(2, HPCS_GROUP_SUM, NULL) == HPCS_ERR_NULL);
    CHECK(hpcs_group_table_init(2, HPCS_GROUP_MIN, table) == HPCS_OK && table[1] == INFINITY);
    const int64_t bad[1] = {2};
    CHECK(hpcs_group_accumulate_f64(x, bad, 1, 2, HPCS_GROUP_MIN, 0, table) == HPCS_ERR_ARG);
    CHECK(hpcs_group_accumulate_f64(NULL, codes, 1, 2, HPCS_GROUP_MIN, 0, table) ==
          HPCS_ERR_NULL);
    CHECK(hpcs_group_accumulate_f64(x, codes, -1, 2, HPCS_GROUP_MIN, 0, table) == HPCS_ERR_ARG);
    CHECK(hpcs_group_finish(table, 0, 2, HPCS_GROUP_MIN, 0, out) == HPCS_ERR_ARG);
    CHECK(hpcs_group_finish(table, 1, 2, HPCS_GROUP_VAR, -1, out) == HPCS_ERR_ARG);
    CHECK(hpcs_group_finish(table, 1, 2, HPCS_GROUP_MIN, 0, NULL) == HPCS_ERR_NULL);
    free(x);
    free(xf);
    free(codes);
    free(a);
    free(b);
    printf("group parts: %d cases, %d failed\n", cases, failures);
    return failures != 0;
}
