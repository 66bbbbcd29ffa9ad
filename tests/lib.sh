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
