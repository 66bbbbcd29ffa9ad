/* when.c - times, durations and sizes typed for recordings. See when.h. */
#define _XOPEN_SOURCE 700
#include "when.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "N" followed by a unit letter of units (factors parallel); *end: what follows. */
static bool number_unit(const char *s, const char *units, const double *factors, double *out)
{
    char *end;
    if (!isdigit((unsigned char)*s) && *s != '.')
        return false;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v < 0)
        return false;
    double f = 1;
    if (*end) {
        const char *u = strchr(units, tolower((unsigned char)*end));
        if (!u || !*u)
            return false;
        f = factors[u - units];
        end++;
    }
    *out = v * f;
    return *end == '\0';
}

bool km_when_duration(const char *s, double *out)
{
    static const double f[] = {1, 60, 3600, 86400, 7 * 86400};
    return number_unit(s, "smhdw", f, out) && *out > 0;
}

bool km_when_size(const char *s, uint64_t *out)
{
    char buf[64];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof(buf))
        return false;
    memcpy(buf, s, n + 1);
    /* 10M, 10MB, 10MiB are the same */
    if (n > 2 && (buf[n - 2] == 'i' || buf[n - 2] == 'I') && (buf[n - 1] == 'B' || buf[n - 1] == 'b'))
        buf[n -= 2] = '\0';
    else if (n > 1 && (buf[n - 1] == 'B' || buf[n - 1] == 'b') && !isdigit((unsigned char)buf[n - 2]))
        buf[--n] = '\0';
    static const double f[] = {1024.0, 1048576.0, 1073741824.0, 1099511627776.0};
    double v;
    if (!number_unit(buf, "kmgt", f, &v) || v < 1 || v > 1e18)
        return false;
    *out = (uint64_t)v;
    return true;
}

static bool is_hms(const char *s, int *h, int *m, int *sec)
{
    char tail;
    *sec = 0;
    int n = sscanf(s, "%2d:%2d:%2d%c", h, m, sec, &tail);
    if (n != 2 && n != 3)
        return false;
    /* digits and colons only, two digits after each colon */
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != ':')
            return false;
    return *h >= 0 && *h < 24 && *m >= 0 && *m < 60 && *sec >= 0 && *sec < 61;
}

/* tm's day at h:m:s local time into *out; false when mktime cannot say. */
static bool at_time(struct tm *tm, int h, int m, int s, double *out)
{
    tm->tm_hour = h;
    tm->tm_min = m;
    tm->tm_sec = s;
    tm->tm_isdst = -1;
    time_t t = mktime(tm);
    if (t == (time_t)-1)
        return false;
    *out = (double)t;
    return true;
}

bool km_when_time(const char *s, double ref, double *out, char *msg, size_t msgsz)
{
    while (*s == ' ')
        s++;
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", s);
    for (size_t n = strlen(buf); n && buf[n - 1] == ' ';)
        buf[--n] = '\0';
    static const double f[] = {1, 60, 3600, 86400};
    double v;
    if ((buf[0] == '+' || buf[0] == '-') && number_unit(buf + 1, "smhd", f, &v)) {
        *out = ref + (buf[0] == '+' ? v : -v);
        return true;
    }
    if (buf[0] == '@') {
        char *end;
        v = strtod(buf + 1, &end);
        if (end != buf + 1 && !*end && isfinite(v) && v > 0) {
            *out = v;
            return true;
        }
    }
    int h, m, sec;
    struct tm tm;
    if (is_hms(buf, &h, &m, &sec)) {
        time_t r = (time_t)ref;
        if (!localtime_r(&r, &tm))
            goto bad;
        if (at_time(&tm, h, m, sec, out))
            return true;
        goto bad;
    }
    int y, mo, d;
    char sep = 0, rest[32] = "";
    int n = sscanf(buf, "%4d-%2d-%2d%c%31s", &y, &mo, &d, &sep, rest);
    if ((n == 3 || (n == 5 && (sep == ' ' || sep == 'T'))) && y >= 1970 && mo >= 1 && mo <= 12 &&
        d >= 1 && d <= 31 && strlen(buf) >= 10 && buf[4] == '-' && buf[7] == '-') {
        h = m = sec = 0;
        if (n == 5 && !is_hms(rest, &h, &m, &sec))
            goto bad;
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        if (at_time(&tm, h, m, sec, out))
            return true;
        goto bad;
    }
bad:
    snprintf(msg, msgsz,
             "not a time: \"%s\" (HH:MM[:SS], YYYY-MM-DD [HH:MM[:SS]], +N or -N with s, m, h "
             "or d, @EPOCH)",
             buf);
    return false;
}

void km_when_format(double t, char *out, size_t n)
{
    time_t s = (time_t)t;
    struct tm tm;
    if (t <= 0 || !localtime_r(&s, &tm) || !strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(out, n, "-");
}
