/* fuzz_pressure.c - libFuzzer target: km_parse_pressure (/proc/pressure/memory, PSI). */
#include "kmemtop/pressure.h"

#include "fz.h"

#include <math.h>

static void check_line(const struct km_psi_line *l, const char *what)
{
    if (!l->present)
        return;
    FZ_CHECK(isfinite(l->avg10) && l->avg10 >= 0 && l->avg10 <= 100, "%s avg10 %g", what, l->avg10);
    FZ_CHECK(isfinite(l->avg60) && l->avg60 >= 0 && l->avg60 <= 100, "%s avg60 %g", what, l->avg60);
    FZ_CHECK(isfinite(l->avg300) && l->avg300 >= 0 && l->avg300 <= 100, "%s avg300 %g", what,
             l->avg300);
    FZ_CHECK(l->total >= 0, "%s total %lld", what, (long long)l->total);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct km_pressure ps;
    struct km_perr pe = {.line = -1};
    int rc = km_parse_pressure(p, size, &ps, &pe);
    fz_check_perr(rc, &pe, p, size);
    if (rc)
        return 0;
    FZ_CHECK(ps.some.present || ps.full.present, "ok without a some or full line");
    check_line(&ps.some, "some");
    check_line(&ps.full, "full");
    return 0;
}
