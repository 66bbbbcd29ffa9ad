/*
 * test_keys.c - the key table (ui/keys.c): every key it names appears on the
 * help screen and in the man page, no key takes one of slabtop's letters,
 * no code is bound twice on one view, and the escape sequences terminfo may
 * lack are decoded.
 */
#include "../../ui/help.h"
#include "../../ui/keys.h"
#include "../tap.h"

#include <curses.h>

struct text {
    char *s;
    size_t n, cap;
};

static void add_line(void *arg, int attr, const char *line)
{
    struct text *t = arg;
    size_t l = strlen(line);
    if (t->n + l + 2 > t->cap) {
        t->cap = (t->n + l + 2) * 2;
        t->s = realloc(t->s, t->cap);
    }
    memcpy(t->s + t->n, line, l);
    t->n += l;
    t->s[t->n++] = '\n';
    t->s[t->n] = '\0';
}

/*
 * Each of k's names appears on the help screen, on the line that ends with
 * the key's description, before it: a plain search of the lines km_help_text
 * gave, so that a help screen that drops or misspells a name fails.
 */
static void help_has_key(const char *help, const struct km_key *k)
{
    const char *line = help, *found_line = NULL;
    size_t len = 0;
    while (*line && !found_line) {
        const char *nl = strchr(line, '\n');
        len = nl ? (size_t)(nl - line) : strlen(line);
        size_t dl = strlen(k->desc);
        if (len >= dl && memcmp(line + len - dl, k->desc, dl) == 0)
            found_line = line;
        else
            line += len + (nl != NULL);
    }
    char name[160];
    snprintf(name, sizeof(name), "help screen describes \"%s\"", k->desc);
    if (!ok(found_line != NULL, name))
        return;
    char text[512];
    snprintf(text, sizeof(text), "%.*s", (int)len, found_line);
    size_t tl = strlen(text), dl = strlen(k->desc);
    text[tl > dl ? tl - dl : 0] = '\0'; /* only the part before the description names keys */
    for (int j = 0; j < KM_KEY_MAX && k->names[j]; j++) {
        snprintf(name, sizeof(name), "help screen names key %s", k->names[j]);
        ok(strstr(text, k->names[j]) != NULL, name);
    }
}

static void escapes(void)
{
    is_int(km_key_escape("[1~"), KEY_HOME, "ESC[1~ is Home");
    is_int(km_key_escape("[H"), KEY_HOME, "ESC[H is Home");
    is_int(km_key_escape("OH"), KEY_HOME, "ESC O H is Home");
    is_int(km_key_escape("[4~"), KEY_END, "ESC[4~ is End");
    is_int(km_key_escape("[F"), KEY_END, "ESC[F is End");
    is_int(km_key_escape("OF"), KEY_END, "ESC O F is End");
    is_int(km_key_escape("[1;5H"), 0, "an unknown sequence is no key");
    is_int(km_key_escape("[15~"), 0, "F5's sequence is not Home");
}

/* The text of every bold span of a man page (\fB..\fR, \fB..\fP, .B lines), un-escaped. */
static size_t man_bold(const char *man, char out[][64], size_t max)
{
    size_t n = 0;
    for (const char *p = man; *p && n < max;) {
        const char *b = NULL, *e = NULL;
        if (strncmp(p, "\\fB", 3) == 0) {
            b = p + 3;
            e = strstr(b, "\\f");
        } else if ((p == man || p[-1] == '\n') && strncmp(p, ".B ", 3) == 0) {
            b = p + 3;
            e = strchr(b, '\n');
        }
        if (!b || !e) {
            p++;
            continue;
        }
        size_t o = 0;
        for (const char *q = b; q < e && o + 1 < 64; q++) {
            if (q[0] == '\\' && q + 1 < e && (q[1] == 'e' || q[1] == '\\' || q[1] == '-')) {
                out[n][o++] = q[1] == '-' ? '-' : '\\';
                q++;
            } else if (q[0] == '\\' && q + 1 < e && q[1] == '&')
                q++;
            else
                out[n][o++] = *q;
        }
        out[n++][o] = '\0';
        p = e;
    }
    return n;
}

static void man_has_keys(void)
{
    const char *src = getenv("KM_SRCDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/doc/kmemtop.1", src ? src : ".");
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("Bail out! cannot open %s\n", path);
        exit(1);
    }
    static char man[1 << 18];
    size_t len = fread(man, 1, sizeof(man) - 1, f);
    man[len] = '\0';
    fclose(f);
    static char bold[4096][64];
    size_t nb = man_bold(man, bold, 4096);
    ok(nb > 20, "the man page has bold spans");
    for (size_t i = 0; i < km_nkeys; i++)
        for (int j = 0; j < KM_KEY_MAX && km_keys[i].names[j]; j++) {
            bool found = false;
            for (size_t b = 0; b < nb && !found; b++)
                found = strcmp(bold[b], km_keys[i].names[j]) == 0;
            char name[160];
            snprintf(name, sizeof(name), "man page documents key %s in bold", km_keys[i].names[j]);
            ok(found, name);
        }
}

static void no_slabtop_letters(void)
{
    const char *letters = "abclvnopsu";
    for (size_t i = 0; i < km_nkeys; i++) {
        const struct km_key *k = &km_keys[i];
        if (k->action == KA_SORT_LETTER)
            continue;
        bool clash = false;
        for (int j = 0; j < KM_KEY_MAX && k->codes[j]; j++)
            if (k->codes[j] < 128 && strchr(letters, k->codes[j]))
                clash = true;
        char name[160];
        snprintf(name, sizeof(name), "'%s' leaves slabtop's letters alone", k->desc);
        ok(!clash, name);
    }
}

static void no_double_binding(void)
{
    int clashes = 0;
    for (int view = 0; view < KM_NVIEWS; view++)
        for (size_t i = 0; i < km_nkeys; i++)
            for (int j = 0; j < KM_KEY_MAX && km_keys[i].codes[j]; j++) {
                if (km_keys[i].view >= 0 && km_keys[i].view != view)
                    continue;
                if (km_key_find(km_keys[i].codes[j], view) != &km_keys[i]) {
                    printf("# code %d bound twice on view %d\n", km_keys[i].codes[j], view);
                    clashes++;
                }
            }
    is_int(clashes, 0, "no key code is bound twice on a view");
    ok(km_key_find('a', KM_V_SLABS) && km_key_find('a', KM_V_SLABS)->action == KA_SORT_LETTER,
       "a sorts on the slab view");
    ok(km_key_find('a', KM_V_MODULES) == NULL, "a does nothing on the modules view");
    ok(km_key_find(KEY_F(10), KM_V_NODES)->action == KA_QUIT, "F10 quits");
    ok(km_key_find('+', KM_V_BUDDY) && km_key_find('+', KM_V_SLABS) == NULL,
       "+ only on the buddy view");
}

int main(void)
{
    struct text help = {0};
    km_help_text(km_views[KM_V_SLABS], NULL, add_line, &help);
    for (size_t i = 0; i < km_nkeys; i++)
        help_has_key(help.s, &km_keys[i]);
    ok(strstr(help.s, "FOOTPRINT") != NULL, "help lists the view's columns");
    free(help.s);
    man_has_keys();
    escapes();
    no_slabtop_letters();
    no_double_binding();
    return tap_done();
}
