/*
 * Layout drivers: run a 1-D kernel over every slice of an (outer, n, inner)
 * array.  Contiguous slices (inner == 1) are passed in place; strided ones
 * are gathered a tile of columns at a time into scratch, so that one pass
 * over a cache line serves several columns and kernels only ever see
 * contiguous data.  Gathering changes no arithmetic, so a column reduced
 * along an axis gives the same bits as the same column reduced alone.
 */
#include <stdlib.h>
#include <string.h>

#include "hpcs_internal.h"

enum {
    TILE_MAX_COLUMNS = 8,             /* one 64-byte line of doubles */
    TILE_MAX_ELEMENTS = 1 << 21       /* cap on scratch per tile (16 MiB of doubles) */
};

static int64_t tile_columns(int64_t n, int64_t inner)
{
    int64_t t = n > 0 ? TILE_MAX_ELEMENTS / n : TILE_MAX_COLUMNS;
    if (t > TILE_MAX_COLUMNS) t = TILE_MAX_COLUMNS;
    if (t > inner) t = inner;
    return t < 1 ? 1 : t;
}

/* dst[t * n + i] = src[i * inner + t] for t < tile, i < n. */
static void gather(void *dst, const void *src, size_t elsize, int64_t n, int64_t inner,
                   int64_t tile)
{
    const char *s = src;
    char *d = dst;
    for (int64_t i = 0; i < n; i++)
        for (int64_t t = 0; t < tile; t++)
            memcpy(d + (size_t)(t * n + i) * elsize, s + (size_t)(i * inner + t) * elsize, elsize);
}

/* dst[i * inner + t] = src[t * n + i]. */
static void scatter(void *dst, const void *src, size_t elsize, int64_t n, int64_t inner,
                    int64_t tile)
{
    const char *s = src;
    char *d = dst;
    for (int64_t i = 0; i < n; i++)
        for (int64_t t = 0; t < tile; t++)
            memcpy(d + (size_t)(i * inner + t) * elsize, s + (size_t)(t * n + i) * elsize, elsize);
}

static int bad_shape(int64_t outer, int64_t n, int64_t inner)
{
    if (outer < 0 || n < 0 || inner < 0) return 1;
    /* The element count must fit in int64 and in size_t bytes. */
    if (outer == 0 || n == 0 || inner == 0) return 0;
    if (outer > INT64_MAX / n || outer * n > INT64_MAX / inner) return 1;
    return (uint64_t)(outer * n * inner) > SIZE_MAX / sizeof(double);
}

hpcs_status hpcs__reduce_layout(hpcs__reduce1d_fn fn, size_t elsize, const void *x, int64_t outer,
                                int64_t n, int64_t inner, const uint8_t *mask,
                                const hpcs__reduce_args *a, int64_t nres, double *out)
{
    if (out == NULL || (x == NULL && n > 0 && outer > 0 && inner > 0)) return HPCS_ERR_NULL;
    if (bad_shape(outer, n, inner) || nres < 1) return HPCS_ERR_ARG;
    const int64_t nslices = outer * inner;
    const char *xb = x;
    hpcs_status st = HPCS_OK;

    if (inner == 1 || n <= 1) {
        /* Slices are contiguous (n <= 1: a slice is one element or none). */
        for (int64_t o = 0; o < outer && st == HPCS_OK; o++)
            for (int64_t j = 0; j < inner && st == HPCS_OK; j++) {
                int64_t off = o * n * inner + j;
                st = fn(xb + (size_t)off * elsize, mask ? mask + off : NULL, n, a,
                        out + o * inner + j, nslices);
            }
        return st;
    }

    const int64_t tile = tile_columns(n, inner);
    char *xs = malloc((size_t)(tile * n) * elsize);
    uint8_t *ms = mask ? malloc((size_t)(tile * n)) : NULL;
    if (xs == NULL || (mask && ms == NULL)) {
        st = HPCS_ERR_NOMEM;
        goto cleanup;
    }
    for (int64_t o = 0; o < outer && st == HPCS_OK; o++) {
        for (int64_t j0 = 0; j0 < inner && st == HPCS_OK; j0 += tile) {
            int64_t tw = inner - j0 < tile ? inner - j0 : tile;
            int64_t base = o * n * inner + j0;
            gather(xs, xb + (size_t)base * elsize, elsize, n, inner, tw);
            if (mask) gather(ms, mask + base, 1, n, inner, tw);
            for (int64_t t = 0; t < tw && st == HPCS_OK; t++)
                st = fn(xs + (size_t)(t * n) * elsize, mask ? ms + t * n : NULL, n, a,
                        out + o * inner + j0 + t, nslices);
        }
    }
cleanup:
    free(xs);
    free(ms);
    return st;
}

hpcs_status hpcs__rolling_layout(hpcs__rolling1d_fn fn, size_t elsize, const void *x,
                                 int64_t outer, int64_t n, int64_t inner, int64_t window,
                                 int64_t min_periods, uint32_t flags, hpcs__rolling_args *a,
                                 void *out)
{
    if ((x == NULL || out == NULL) && outer > 0 && n > 0 && inner > 0) return HPCS_ERR_NULL;
    if (bad_shape(outer, n, inner)) return HPCS_ERR_ARG;
    if (window < 1 || min_periods < 1 || min_periods > window) return HPCS_ERR_ARG;
    a->window = window;
    a->min_periods = min_periods;
    a->offset = (flags & HPCS_CENTER) ? (window - 1) / 2 : 0;
    const char *xb = x;
    char *ob = out;
    hpcs_status st = HPCS_OK;

    if (inner == 1 || n <= 1) {
        for (int64_t o = 0; o < outer && st == HPCS_OK; o++)
            for (int64_t j = 0; j < inner && st == HPCS_OK; j++) {
                size_t off = (size_t)(o * n * inner + j) * elsize;
                st = fn(xb + off, n, a, ob + off);
            }
        return st;
    }

    const int64_t tile = tile_columns(n, inner);
    char *xs = malloc((size_t)(tile * n) * elsize);
    char *os = malloc((size_t)(tile * n) * elsize);
    if (xs == NULL || os == NULL) {
        st = HPCS_ERR_NOMEM;
        goto cleanup;
    }
    for (int64_t o = 0; o < outer && st == HPCS_OK; o++) {
        for (int64_t j0 = 0; j0 < inner && st == HPCS_OK; j0 += tile) {
            int64_t tw = inner - j0 < tile ? inner - j0 : tile;
            size_t base = (size_t)(o * n * inner + j0) * elsize;
            gather(xs, xb + base, elsize, n, inner, tw);
            for (int64_t t = 0; t < tw && st == HPCS_OK; t++)
                st = fn(xs + (size_t)(t * n) * elsize, n, a, os + (size_t)(t * n) * elsize);
            if (st == HPCS_OK) scatter(ob + base, os, elsize, n, inner, tw);
        }
    }
cleanup:
    free(xs);
    free(os);
    return st;
}
