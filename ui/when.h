/*
 * when.h - the times and amounts a user types for recordings: a tick's time
 * (--from, --to, the replay screen's b), a duration (--keep) and a size
 * (--max-size). Pure functions of the text (and of the local time zone).
 *
 * Render layer (libkmrender.a): no curses.
 */
#ifndef KM_UI_WHEN_H
#define KM_UI_WHEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A time as epoch seconds into *out. ref: the time the relative forms are
 * taken from (the tick shown, or the recording's first). Accepted:
 *   HH:MM[:SS]                       that time on ref's day (local time)
 *   YYYY-MM-DD[ HH:MM[:SS]]          a date and time (local; 'T' for ' ' too)
 *   +N[smhd], -N[smhd]               N seconds (minutes, hours, days) after/before ref
 *   @EPOCH                           seconds since 1970
 * false, with a sentence in msg, for anything else.
 */
bool km_when_time(const char *s, double ref, double *out, char *msg, size_t msgsz);
/* N[smhdw] (default seconds) as seconds; false for anything else or not > 0. */
bool km_when_duration(const char *s, double *out);
/* N[KMGT] (powers of 1024, a trailing B or iB allowed) as bytes; false for anything else or 0. */
bool km_when_size(const char *s, uint64_t *out);
/* t as "YYYY-MM-DD HH:MM:SS" in local time ("-" when t <= 0). */
void km_when_format(double t, char *out, size_t n);

#endif
