/*
 * test_keys.c - the key table (ui/keys.c), the tab keys of the view registry
 * and every view's own keys: every key named appears on the help screen and
 * in the man page, no key takes one of slabtop's letters unless it sorts by
 * it, no code is bound twice on one view, and the escape sequences terminfo
 * may lack are decoded.
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

/* A key's names and help text, from the key table or a view's own keys. */
struct names {
    char name[KM_KEY_MAX * 4][32];
    int n;
    char desc[256];
};

static void key_names(const struct km_key *k, struct names *o)
{
    o->n = 0;
    while (o->n < KM_KEY_MAX * 4 && km_key_name(k, o->n, o->name[o->n], sizeof(o->name[0])))
        o->n++;
    char buf[256];
    snprintf(o->desc, sizeof(o->desc), "%s", km_key_desc(k, buf, sizeof(buf)));
}

static void view_key_names(const struct km_view_key *k, struct names *o)
{
    o->n = 0;
    for (const char *c = k->chars; *c && o->n < KM_KEY_MAX * 4; c++)
        snprintf(o->name[o->n++], sizeof(o->name[0]), "%c", *c);
    snprintf(o->desc, sizeof(o->desc), "%s", k->desc);
}

/* Calls fn on the names of every key: the table's, then each view's own. */
static void each_key(void (*fn)(const struct names *, void *), void *arg)
{
    struct names nm;
    for (size_t i = 0; i < km_nkeys; i++) {
        key_names(&km_keys[i], &nm);
        fn(&nm, arg);
    }
    for (int v = 0; km_views[v]; v++)
        for (const struct km_view_key *k = km_views[v]->keys; k && k->chars; k++) {
            view_key_names(k, &nm);
            fn(&nm, arg);
        }
}

/*
 * Each of k's names appears on the help screen, on the line that ends with
 * the key's description, before it: a plain search of the lines km_help_text
 * gave, so that a help screen that drops or misspells a name fails.
 */
static void help_has_key(const struct names *k, void *arg)
{
    const char *help = arg;
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
    char name[320];
    snprintf(name, sizeof(name), "help screen describes \"%s\"", k->desc);
    if (!ok(found_line != NULL, name))
        return;
    char text[512];
    snprintf(text, sizeof(text), "%.*s", (int)len, found_line);
    size_t tl = strlen(text), dl = strlen(k->desc);
    text[tl > dl ? tl - dl : 0] = '\0'; /* only the part before the description names keys */
    for (int j = 0; j < k->n; j++) {
        snprintf(name, sizeof(name), "help screen names key %s", k->name[j]);
        ok(strstr(text, k->name[j]) != NULL, name);
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

struct man {
    char bold[4096][64];
    size_t n;
};

static void man_has_key(const struct names *k, void *arg)
{
    const struct man *m = arg;
    for (int j = 0; j < k->n; j++) {
        bool found = false;
        for (size_t b = 0; b < m->n && !found; b++)
            found = strcmp(m->bold[b], k->name[j]) == 0;
        char name[160];
        snprintf(name, sizeof(name), "man page documents key %s in bold", k->name[j]);
        ok(found, name);
    }
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
    static struct man m;
    m.n = man_bold(man, m.bold, 4096);
    ok(m.n > 20, "the man page has bold spans");
    each_key(man_has_key, &m);
}

/* Every view's sort letters (keys with sort_letter), each a letter of one of its columns. */
static void sort_letters(char *all, size_t n)
{
    size_t pos = 0;
    all[0] = '\0';
    for (int v = 0; km_views[v]; v++)
        for (const struct km_view_key *k = km_views[v]->keys; k && k->chars; k++)
            for (const char *c = k->chars; k->sort_letter && *c; c++) {
                bool col = false;
                for (int i = 0; i < km_views[v]->ncols; i++)
                    col |= km_views[v]->cols[i].letter == *c;
                char name[160];
                snprintf(name, sizeof(name), "%s view: sort key %c is a column's letter",
                         km_views[v]->name, *c);
                ok(col, name);
                if (pos + 1 < n)
                    all[pos++] = *c, all[pos] = '\0';
            }
}

static void no_slabtop_letters(void)
{
    char letters[128];
    sort_letters(letters, sizeof(letters));
    ok(strlen(letters) >= 10, "the slabs view has slabtop's letters");
    for (size_t i = 0; i < km_nkeys; i++) {
        const struct km_key *k = &km_keys[i];
        if (k->group == KG_REPLAY)
            continue; /* they win only while a replay is shown: replay_keys() */
        bool clash = false;
        for (int j = 0; j < KM_KEY_MAX && k->codes[j]; j++)
            if (k->codes[j] < 128 && strchr(letters, k->codes[j]))
                clash = true;
        char name[160], desc[256];
        snprintf(name, sizeof(name), "'%s' leaves slabtop's letters alone",
                 km_key_desc(k, desc, sizeof(desc)));
        ok(!clash, name);
    }
    for (int v = 0; km_views[v]; v++)
        for (const struct km_view_key *k = km_views[v]->keys; k && k->chars; k++)
            if (!k->sort_letter) {
                char name[320];
                snprintf(name, sizeof(name), "'%s' leaves slabtop's letters alone", k->desc);
                ok(strpbrk(k->chars, letters) == NULL, name);
            }
}

/*
 * The replay keys (t, T, b, r): found only as replay keys, so that outside a
 * replay Slabs' b still sorts; the help screen and the man page say that in
 * a replay they win over it.
 */
static void replay_keys(const char *help)
{
    const struct km_view_def *slabs = km_views[km_view_find("slabs")];
    const int codes[] = {'t', 'T', 'b', 'r'};
    const enum km_action acts[] = {KA_TICK_NEXT, KA_TICK_PREV, KA_BRANCH, KA_REWIND};
    for (int i = 0; i < 4; i++) {
        const struct km_key *k = km_replay_key_find(codes[i]);
        char name[96];
        snprintf(name, sizeof(name), "replay key %c: its action, and no key of every view", codes[i]);
        ok(k && k->action == acts[i] && k->group == KG_REPLAY && !km_key_find(codes[i]), name);
    }
    ok(km_view_key_find(slabs, 'b') && km_view_key_find(slabs, 'b')->sort_letter,
       "b still sorts on the slabs view outside a replay");
    ok(km_replay_key_find('a') == NULL && km_replay_key_find('q') == NULL,
       "a and q are no replay keys");
    ok(strstr(help, "win over a view's own keys") != NULL && strstr(help, "F6") != NULL,
       "the help screen says the replay keys win, and how Slabs still sorts by b");
}

/* A view's own keys: none is a key of every view, none is bound twice, each has a handler. */
static int view_key_clashes(const struct km_view_def *d)
{
    int clashes = 0;
    for (const struct km_view_key *k = d->keys; k && k->chars; k++) {
        if (!k->sort_letter && !d->key && !d->vm_key)
            printf("# %s view: key %s without a key hook\n", d->name, k->chars), clashes++;
        for (const char *c = k->chars; *c; c++)
            if (km_key_find(*c) || km_view_key_find(d, *c) != k) {
                printf("# %s view: code %d bound twice\n", d->name, *c);
                clashes++;
            }
    }
    return clashes;
}

static void no_double_binding(void)
{
    int clashes = 0;
    for (size_t i = 0; i < km_nkeys; i++)
        for (int j = 0; j < KM_KEY_MAX && km_keys[i].codes[j]; j++)
            if ((km_keys[i].group == KG_REPLAY ? km_replay_key_find(km_keys[i].codes[j])
                                               : km_key_find(km_keys[i].codes[j])) != &km_keys[i] ||
                (km_keys[i].group == KG_REPLAY && km_key_find(km_keys[i].codes[j]))) {
                printf("# code %d bound twice\n", km_keys[i].codes[j]);
                clashes++;
            }
    for (int v = 0; km_views[v]; v++) {
        const struct km_key *k = km_key_find('1' + v);
        if (!k || k->action != KA_VIEW)
            printf("# tab key %d is not bound\n", v + 1), clashes++;
        clashes += view_key_clashes(km_views[v]);
    }
    is_int(clashes, 0, "no key code is bound twice on a view");
    const struct km_key *next = km_key_find('1' + km_nviews());
    ok(km_nviews() == KM_VIEWS_MAX || !next || next->action != KA_VIEW,
       "no tab key past the last view");
    const struct km_view_def *slabs = km_views[km_view_find("slabs")];
    const struct km_view_def *buddy = km_views[km_view_find("buddy")];
    ok(km_view_key_find(slabs, 'a') && km_view_key_find(slabs, 'a')->sort_letter,
       "a sorts on the slab view");
    ok(km_view_key_find(km_views[km_view_find("modules")], 'a') == NULL && km_key_find('a') == NULL,
       "a does nothing on the modules view");
    ok(km_key_find(KEY_F(10))->action == KA_QUIT, "F10 quits");
    ok(km_view_key_find(buddy, '+') && km_view_key_find(slabs, '+') == NULL && !km_key_find('+'),
       "+ only on the buddy view");
}

/* The registry: NULL-terminated, at most KM_VIEWS_MAX views, each found by its name. */
static void registry(void)
{
    int n = km_nviews();
    ok(n >= 4 && n <= KM_VIEWS_MAX && km_views[n] == NULL, "the registry ends with NULL");
    for (int v = 0; v < n; v++) {
        char name[96];
        snprintf(name, sizeof(name), "--view %s finds view %d", km_views[v]->name, v + 1);
        is_int(km_view_find(km_views[v]->name), v, name);
    }
    is_int(km_view_find("nosuch"), -1, "an unknown view name is not found");
}

int main(void)
{
    struct text help = {0};
    km_help_text(km_views[km_view_find("slabs")], NULL, add_line, &help);
    each_key(help_has_key, help.s);
    ok(strstr(help.s, "FOOTPRINT") != NULL, "help lists the view's columns");
    replay_keys(help.s);
    free(help.s);
    man_has_keys();
    escapes();
    no_slabtop_letters();
    no_double_binding();
    registry();
    return tap_done();
}
