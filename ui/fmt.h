/*
 * fmt.h - number formatting for renderers. The core keeps bytes and pages
 * as integers; only renderers scale. KM_NA and NAN print as "-".
 */
#ifndef KM_UI_FMT_H
#define KM_UI_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Human size, binary units: "812", "44.0K", "1.50M", "172G" (bytes in). */
void km_fmt_size(char *out, size_t n, int64_t bytes);
/* Exact integer, or "-". */
void km_fmt_int(char *out, size_t n, int64_t v);
/* Signed human size per second: "+1.2K/s", "-", "0/s". */
void km_fmt_size_rate(char *out, size_t n, double bytes_per_s);
/* Signed count per second with one decimal: "+12.5/s". */
void km_fmt_rate(char *out, size_t n, double per_s);
/* Percentage with one decimal: "98.4%"; NAN prints "-". */
void km_fmt_pct(char *out, size_t n, double pct);
/* Seconds as "3d 04:05", "04:05:06" or "12:34". */
void km_fmt_uptime(char *out, size_t n, double secs);

#endif
