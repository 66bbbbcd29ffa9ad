/* fmt.c - number formatting. See fmt.h. */
#include "fmt.h"
#include "kmemtop/util.h"

#include <math.h>
#include <stdio.h>

static void scaled(char *out, size_t n, double v, const char *suffix)
{
    static const char units[] = "BKMGTPE";
    double a = fabs(v);
    int u = 0;
    while (a >= 1024 && u < 6) {
        a /= 1024;
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, n, "%.0f%s", v, suffix);
    else if (a < 9.995)
        snprintf(out, n, "%.2f%c%s", v, units[u], suffix);
    else if (a < 99.95)
        snprintf(out, n, "%.1f%c%s", v, units[u], suffix);
    else
        snprintf(out, n, "%.0f%c%s", v, units[u], suffix);
}

void km_fmt_size(char *out, size_t n, int64_t bytes)
{
    if (KM_IS_NA(bytes))
        snprintf(out, n, "-");
    else
        scaled(out, n, (double)bytes, "");
}

void km_fmt_int(char *out, size_t n, int64_t v)
{
    if (KM_IS_NA(v))
        snprintf(out, n, "-");
    else
        snprintf(out, n, "%lld", (long long)v);
}

void km_fmt_size_rate(char *out, size_t n, double r)
{
    if (isnan(r))
        snprintf(out, n, "-");
    else if (r == 0)
        snprintf(out, n, "0/s");
    else {
        char tmp[32];
        scaled(tmp, sizeof(tmp), r, "/s");
        snprintf(out, n, "%s%s", r > 0 ? "+" : "", tmp);
    }
}

void km_fmt_rate(char *out, size_t n, double r)
{
    if (isnan(r))
        snprintf(out, n, "-");
    else if (r == 0)
        snprintf(out, n, "0/s");
    else if (fabs(r) >= 100000)
        snprintf(out, n, "%+.3g/s", r);
    else
        snprintf(out, n, "%+.1f/s", r);
}

void km_fmt_pct(char *out, size_t n, double pct)
{
    if (isnan(pct))
        snprintf(out, n, "-");
    else
        snprintf(out, n, "%.1f%%", pct);
}

void km_fmt_uptime(char *out, size_t n, double secs)
{
    if (secs < 0) {
        snprintf(out, n, "-");
        return;
    }
    long s = (long)secs, d = s / 86400, h = (s / 3600) % 24, m = (s / 60) % 60;
    if (d > 0)
        snprintf(out, n, "%ldd %02ld:%02ld", d, h, m);
    else if (h > 0)
        snprintf(out, n, "%02ld:%02ld:%02ld", h, m, s % 60);
    else
        snprintf(out, n, "%02ld:%02ld", m, s % 60);
}
