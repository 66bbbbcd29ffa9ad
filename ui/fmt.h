/*
 * fmt.h - number formatting for renderers. The core keeps bytes and pages
 * as integers; only renderers scale. KM_NA and NAN print as "-".
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_FMT_H
#define KM_UI_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * s copied into out (size n), cut to n - 1 bytes as snprintf(out, n, "%s", s) would, without
 * snprintf's cost (a cell's "-", a name); s may overlap out.
 */
void km_fmt_str(char *out, size_t n, const char *s);
/*
 * The strings after out and n, up to a NULL, one after another into out, cut to n - 1 bytes
 * as snprintf(out, n, "%s%s...", ...) would; returns the length written.
 *   km_cat(buf, sizeof(buf), "Mem: ", total, " total", (char *)NULL);
 */
size_t km_cat(char *out, size_t n, ...);
/* Human size, binary units: "812", "44.0K", "1.50M", "172G" (bytes in). */
void km_fmt_size(char *out, size_t n, int64_t bytes);
/* Exact integer, or "-". */
void km_fmt_int(char *out, size_t n, int64_t v);
/* Signed human size per second: "+1.2K/s", "-", "0/s". */
void km_fmt_size_rate(char *out, size_t n, double bytes_per_s);
/*
 * A counter's events per second: "12.5/s" below 100, whole up to a million
 * ("353012/s"), then in millions and billions ("4.27M/s", decimal); never
 * in e-notation, no '+' (counters only rise; a reset shows its '-').
 */
void km_fmt_rate(char *out, size_t n, double per_s);
/* The same for a count that can fall (free blocks): signed, "+16.3/s", "-22.8/s". */
void km_fmt_delta_rate(char *out, size_t n, double per_s);
/* Percentage with one decimal: "98.4%"; NAN prints "-". */
void km_fmt_pct(char *out, size_t n, double pct);
/* Seconds as "3d 04:05", "04:05:06" or "12:34". */
void km_fmt_uptime(char *out, size_t n, double secs);

/*
 * Length of the valid UTF-8 sequence at p (1 to 4; at most `left` bytes), or
 * 0 when the bytes there are not one (overlong, surrogate, cut short).
 */
size_t km_utf8_seq(const unsigned char *p, size_t left);
/*
 * Whether the valid UTF-8 sequence p (k bytes) is a character that terminals
 * and text viewers act on rather than show: a C1 control (U+0080-U+009F, e.g.
 * CSI U+009B), a bidirectional mark, embedding, override or isolate (U+061C,
 * U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) or a line or paragraph
 * separator (U+2028, U+2029).
 */
bool km_utf8_unsafe(const unsigned char *p, size_t k);
/*
 * Copies src into dst (size n, NUL-terminated) so that it is safe for a
 * terminal or a text file: control bytes (below 0x20, 0x7f), invalid UTF-8
 * (each byte) and the characters km_utf8_unsafe names (each character)
 * become '?'. Kernel files carry names that a machine chose (a slab cache, a
 * module): they are data, never terminal commands.
 */
void km_sanitize(char *dst, size_t n, const char *src);
/* km_sanitize with another replacement (the screen's U+FFFD); stops where rep no longer fits. */
void km_sanitize_rep(char *dst, size_t n, const char *src, const char *rep);
/* km_sanitize_rep that returns the length written and says in *ascii (when not NULL)
 * whether dst is printable ASCII only (nothing but ASCII in src, nothing replaced). */
size_t km_sanitize_len(char *dst, size_t n, const char *src, const char *rep, bool *ascii);

#endif
