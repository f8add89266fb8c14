/*
 * Rolling median of a short sensor series with libhpcs_core, from C.
 *
 * Build against an installed hpcs, in this directory (tests/test_docs.py runs
 * these lines):
 *   cc rolling_median.c $(hpcs config --cflags --libs) -lm -o rolling_median && ./rolling_median
 * or with pkg-config:
 *   export PKG_CONFIG_PATH=$(python -I -c 'import hpcs; print(hpcs.get_pkgconfig_dir())')
 *   cc rolling_median.c $(pkg-config --cflags --libs hpcs_core) -lm -o rolling_median && ./rolling_median
 */
#include <math.h>
#include <stdio.h>

#include <hpcs.h>

static int check(hpcs_status st, const char *what)
{
    if (st != HPCS_OK) {
        fprintf(stderr, "%s failed: %s\n", what, hpcs_status_str(st));
        return 1;
    }
    return 0;
}

int main(void)
{
    /* A spike (100) and a dropout (NaN) that a rolling median shrugs off. */
    const double series[] = {1.0, 2.0, 100.0, 3.0, 4.0, NAN, 5.0, 6.0};
    const int64_t n = sizeof series / sizeof series[0];
    double median[sizeof series / sizeof series[0]];
    double total;

    hpcs_simd_info info;
    if (check(hpcs_get_simd_info(&info), "hpcs_get_simd_info")) return 1;
    printf("hpcs %s, %s kernels\n", hpcs_version(), hpcs_isa_name(info.active));

    /* One series: outer = 1, inner = 1; window 3, at least 2 valid values. */
    if (check(hpcs_rolling_median_f64(series, 1, n, 1, 3, 2, 0, median), "rolling median"))
        return 1;
    if (check(hpcs_sum_f64(series, 1, n, 1, NULL, HPCS_SKIPNA, &total), "sum")) return 1;

    for (int64_t i = 0; i < n; i++) printf("%g%s", median[i], i + 1 < n ? " " : "\n");
    printf("sum(skipna) = %g\n", total);

    /* Errors come back as status codes, never as crashes. */
    hpcs_status bad = hpcs_rolling_median_f64(series, 1, n, 1, 0, 1, 0, median);
    printf("window 0 -> %s\n", hpcs_status_str(bad));
    return bad == HPCS_ERR_ARG ? 0 : 1;
}
