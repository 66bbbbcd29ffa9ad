/*
 * json.h - a small streaming JSON writer (one object per line, JSON Lines).
 * Keys are NULL inside arrays. KM_NA integers and NAN doubles are written
 * as null by the *_opt calls; the plain calls always write the value.
 *
 * Render layer (libkmrender.a): no curses, links with libkmcore.a alone.
 */
#ifndef KM_UI_JSON_H
#define KM_UI_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct km_json {
    FILE *f;
    int depth;
    bool need_comma[64];
};

void km_json_init(struct km_json *j, FILE *f);
void km_json_obj(struct km_json *j, const char *key);
void km_json_obj_end(struct km_json *j);
void km_json_arr(struct km_json *j, const char *key);
void km_json_arr_end(struct km_json *j);
void km_json_str(struct km_json *j, const char *key, const char *v);
void km_json_int(struct km_json *j, const char *key, int64_t v);
/* KM_NA is written as null */
void km_json_int_opt(struct km_json *j, const char *key, int64_t v);
/* KM_NA leaves the key out */
void km_json_int_omit(struct km_json *j, const char *key, int64_t v);
/* NAN/inf is written as null */
void km_json_dbl(struct km_json *j, const char *key, double v);
void km_json_bool(struct km_json *j, const char *key, bool v);
void km_json_null(struct km_json *j, const char *key);

#endif
