#!/bin/sh
# The documentation keeps up with the program: every option --help lists is in the man
# page, the man page renders without warnings, and every JSON key of a frame is documented.
. "$(dirname "$0")/lib.sh"
MAN="$KM_SRCDIR/doc/kmemtop.1"
CAPMAN="$KM_SRCDIR/doc/kmemtop-capture.1"
opts=$("$KMEMTOP" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
[ -n "$opts" ] || nok "--help lists options"
for o in $opts; do
    esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
    if grep -q -- "$esc" "$MAN" || grep -q -- "$o" "$MAN"; then ok "man page documents $o"
    else nok "man page documents $o"; fi
done
if command -v groff >/dev/null; then
    w=$(groff -man -ww -Tutf8 "$MAN" 2>&1 >/dev/null)
    is "man page renders without warnings" "$w" ""
    w=$(groff -man -ww -Tutf8 "$CAPMAN" 2>&1 >/dev/null)
    is "kmemtop-capture(1) renders without warnings" "$w" ""
fi
# kmemtop-capture(1) documents every option its usage line names
for o in $(sed -n 's/^# usage: kmemtop-capture \(.*\) DIR$/\1/p' "$KM_SRCDIR/tests/kmemtop-capture.sh" | grep -o -- '-[a-z]'); do
    if grep -q -- "^.B.*\\$o\b\|^.B \\$o\|^.BI \\$o" "$CAPMAN"; then ok "kmemtop-capture(1) documents $o"
    else nok "kmemtop-capture(1) documents $o"; fi
done
# every key of a frame's JSON objects and rows is named in doc/json-schema.md
# (all,cgroups: every view, the ones "all" leaves out too)
"$KMEMTOP" --root "$FIX/debian61-root" -o --view all,cgroups --format json >"$TMP/f.json"
# and a tree whose sources left lines out (their warning keys)
"$KMEMTOP" --root "$FIX/edge-malformed" -o --view all,cgroups --format json >"$TMP/m.json"
# the views, from the registry as --help lists them ("modules, nodes, ... or all")
views=$(km_views)
[ "$(echo $views | wc -w)" -ge 4 ] && ok "--help lists the views: $views" || nok "--help lists the views"
jv=$(for v in $views; do printf '.%s,' "$v"; done | sed 's/,$//')
# a tree with /proc/vmstat, for the Vmstat rows
"$KMEMTOP" --root "$FIX/pcp-laptop-a" -o --view all,cgroups --format json >"$TMP/v.json"
# generated cgroup hierarchies, v2 and v1, for the Cgroups rows
sh "$KM_SRCDIR/tests/gen-cgroups.sh" "$TMP/cg2" 12
sh "$KM_SRCDIR/tests/gen-cgroups.sh" "$TMP/cg1" 12 v1
"$KMEMTOP" --root "$TMP/cg2" -o --view all,cgroups --format json >"$TMP/c2.json"
"$KMEMTOP" --root "$TMP/cg1" -o --view all,cgroups --format json >"$TMP/c1.json"
# the keys of each frame's objects, rows (the first of each view that has one), zones and
# view summaries; a jq error fails here (a missing object must not hide the rest)
prog="(keys[]), (.summary|keys[]), ($jv|keys[]), (.sources[]|keys[]),
      ($jv|(.rows[0]? // {})|keys[]), (.nodes.rows[0]?.zones[0]? // {}|keys[]),
      ($jv|(.summary? // .totals? // {})|keys[])"
: >"$TMP/keys"
for f in "$TMP/f.json" "$TMP/m.json" "$TMP/v.json" "$TMP/c2.json" "$TMP/c1.json"; do
    jq -r "$prog" "$f" >>"$TMP/keys" 2>"$TMP/jq.err" ||
        nok "the JSON keys of $(basename "$f") can be listed" "$(cat "$TMP/jq.err")"
done
[ "$(sort -u "$TMP/keys" | wc -l)" -ge 100 ] && ok "keys listed: $(sort -u "$TMP/keys" | wc -l)" ||
    nok "keys listed" "only $(sort -u "$TMP/keys" | wc -l)"
for k in $(sort -u "$TMP/keys"); do
    if grep -q "\`$k\`" "$KM_SRCDIR/doc/json-schema.md"; then ok "json-schema.md documents \`$k\`"
    else nok "json-schema.md documents \`$k\`"; fi
done
# doc/ARCHITECTURE.md names only paths (src/, ui/, include/, tests/, doc/) and km_/KM_ names
# that exist, so that it cannot go stale silently; a name with <...> in it (or ending in _)
# is one to add.
arch_missing() {
    for p in $(grep -oE '(src|ui|include|tests|doc)/[A-Za-z0-9_./+-]*<?' "$1" | grep -v '<$' |
               sed 's/\.*$//' | sort -u); do
        [ -e "$KM_SRCDIR/$p" ] || printf '%s\n' "$p"
    done
    for n in $(grep -oE '(km|KM)_[A-Za-z0-9_]*<?' "$1" | grep -v '[<_]$' | sort -u); do
        grep -rqw --exclude-dir=fixtures --exclude-dir=golden --exclude=docs.sh -- "$n" "$KM_SRCDIR/src" \
            "$KM_SRCDIR/ui" "$KM_SRCDIR/include" "$KM_SRCDIR/tests" || printf '%s\n' "$n"
    done
}
ARCH="$KM_SRCDIR/doc/ARCHITECTURE.md"
npaths=$(grep -oE '(src|ui|include|tests)/[A-Za-z0-9_./+-]*' "$ARCH" | sort -u | wc -l)
[ "$npaths" -ge 30 ] && ok "ARCHITECTURE.md names the files ($npaths paths)" ||
    nok "ARCHITECTURE.md names the files" "only $npaths paths found"
is "every path and km_ name in ARCHITECTURE.md exists" "$(arch_missing "$ARCH")" ""
# and the check can fail: a planted path and name are found, a placeholder is not
printf 'see `src/nosuch.c`, `ui/view.h`, `km_no_such_fn`, `km_vm_build`, `src/<name>.c`, `km_<name>_free`.\n' >"$TMP/a.md"
is "the ARCHITECTURE.md check catches a path and a name that do not exist" \
    "$(arch_missing "$TMP/a.md" | tr '\n' ' ')" "src/nosuch.c km_no_such_fn "
done_testing
