# lib.sh - TAP helpers for shell tests. Source it; call ok/nok/is, then done_testing.
# make check sets KM_SRCDIR, KM_BUILDDIR and KMEMTOP.
: "${KM_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${KM_BUILDDIR:=$KM_SRCDIR/_build}"
: "${KMEMTOP:=$KM_BUILDDIR/kmemtop}"
TZ=UTC; export TZ  # frame headers print local time: keep outputs comparable
FIX="$KM_SRCDIR/tests/fixtures"
GOLD="$KM_SRCDIR/tests/golden"
_n=0
_failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kmemtop-test.XXXXXX")
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
# the screen reads $XDG_CONFIG_HOME/kmemtop/kmemtoprc: never the tester's own
XDG_CONFIG_HOME="$TMP/xdg"; export XDG_CONFIG_HOME

ok()   { _n=$((_n + 1)); echo "ok $_n - $1"; }
nok()  { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /' | head -${KM_DIAG_LINES:-40}; return 0; }
# check NAME COMMAND...: ok when the command succeeds
check() { _name=$1; shift; if "$@" >"$TMP/check.out" 2>&1; then ok "$_name"; else nok "$_name" "$(cat "$TMP/check.out")"; fi; }
# is NAME GOT WANT
is() { if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "got:  $2
want: $3"; fi; }
# contains NAME TEXT PATTERN (grep -E)
contains() { if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else nok "$1" "no match for /$3/ in:
$(printf '%s\n' "$2" | head -30)"; fi; }
done_testing() { echo "1..$_n"; [ $_failed -eq 0 ]; }

# --- layers (core-no-curses.sh, render-no-curses.sh) ---
# The curses shared objects kmemtop runs with (ncursesw, tinfo), one path a line.
# The views of the registry, as --help lists them ("modules nodes ...").
km_views() { "$KMEMTOP" --help | sed -n 's/^ *--view V\[,V\.\.\] *\(.*\) or all.*/\1/p' | tr -d ,; }
curses_libs() { ldd "$KMEMTOP" 2>/dev/null | awk '/(curses|tinfo)/ { for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'; }
# Every symbol those libraries define (functions and data, versions cut off), sorted.
curses_symbols() {
    for _l in $(curses_libs); do nm -D --defined-only "$_l"; done |
        awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' | sort -u
}
# curses_refs LIB.a...: the symbols the archives use but do not define that
# the curses libraries define, one a line (nothing when the archives are curses-free).
curses_refs() {
    nm -u "$@" >"$TMP/nm-u" && nm --defined-only "$@" >"$TMP/nm-d" || { echo "nm $* failed"; return; }
    awk 'NF >= 2 && $1 == "U" { print $2 }' "$TMP/nm-u" | sort -u >"$TMP/undef"
    awk 'NF >= 3 { print $3 }' "$TMP/nm-d" | sort -u >"$TMP/def"
    curses_symbols >"$TMP/curses"
    comm -23 "$TMP/undef" "$TMP/def" | comm -12 - "$TMP/curses"
}
# lib_sources LIB: the files of LIB_a_SOURCES in Makefile.am (ext: c or h), one a line.
lib_sources() {
    awk -v v="$(printf '%s' "$1" | tr '.' '_')_SOURCES" '
        $1 == v && $2 == "=" { on = 1; $1 = $2 = "" }
        on { c = sub(/\\$/, ""); for (i = 1; i <= NF; i++) if ($i != "") print $i; if (!c) on = 0 }' \
        "$KM_SRCDIR/Makefile.am"
}
# The includes of a curses or terminfo header in the files given (grep -n lines).
curses_includes() {
    grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]*curses[^>"]*|term\.h|termcap\.h)[>"]' "$@" 2>/dev/null
}
