#!/bin/sh
# screen-setup.sh - what issue 15 asked of the screen beyond its keys: the
# columns that matter stay on a narrow screen (priorities), the setup screen
# and the saved settings (kmemtoprc), and the mouse. kmemtop runs in tmux on
# fixture trees; the pane is read with capture-pane.
. "$(dirname "$0")/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
    echo "1..0 # SKIP tmux is not installed (build.sh test installs it)"
    exit 0
fi
export TERM=xterm-256color
unset TMUX NO_COLOR
SOCK="kms$$"
S=km
T() { tmux -L "$SOCK" "$@"; }
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
T new-session -d -s keep -x 80 -y 24 'sleep 3600'
UTF8=C.UTF-8
locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || UTF8=

pane() { T capture-pane -p -t "$S" 2>/dev/null; }
poll() { _i=0; while [ $_i -lt 60 ]; do "$@" && return 0; sleep 0.1; _i=$((_i + 1)); done; "$@"; }
has() { pane | grep -Eq -- "$1"; }
hasnt() { ! pane | grep -Eq -- "$1"; }
see() { if poll has "$2"; then ok "$1"; else nok "$1" "no /$2/ on screen:
$(pane)"; fi; }
gone() { if poll hasnt "$2"; then ok "$1"; else nok "$1" "/$2/ still on screen:
$(pane)"; fi; }
keys() { T send-keys -t "$S" "$@"; }
# The column header line (the one with the sort arrow).
header() { pane | grep -E '^(MODULE|NODE/ZONE|NAME|WHAT|CALLER|COUNTER)' | head -1; }
hdr_has() { header | grep -Eq -- "$1"; }
hdr_hasnt() { ! header | grep -Eq -- "$1"; }
in_hdr() { if poll hdr_has "$2"; then ok "$1"; else nok "$1" "no /$2/ in the header:
$(pane)"; fi; }
not_in_hdr() { if poll hdr_hasnt "$2"; then ok "$1"; else nok "$1" "/$2/ in the header:
$(pane)"; fi; }

# start W H ARGS...: kmemtop in a new session ($XENV: more VAR=value words).
start() {
    w=$1 h=$2
    shift 2
    T kill-session -t "$S" 2>/dev/null
    printf '%s\n' "$@" >"$TMP/args"
    cat >"$TMP/run.sh" <<EOS
#!/bin/sh
set -- \$(cat "$TMP/args")
$KMEMTOP "\$@" 2>"$TMP/stderr"
echo "EXITED rc=\$?"
sleep 60
EOS
    T new-session -d -s "$S" -x "$w" -y "$h" "env LC_ALL=${UTF8:-C} XDG_CONFIG_HOME=$XDG_CONFIG_HOME $XENV sh $TMP/run.sh"
}
stop() { keys q; poll has '^EXITED' >/dev/null; T kill-session -t "$S" 2>/dev/null; }

D612="$FIX/debian612a-root"

# --- (a) the columns that matter stay: priorities, not the rightmost first ---
start 80 24 --root "$D612" -d 60 --view modules
see "modules at 80x24 shows its table" '^MODULE'
for c in SIZE STATIC OVERHEAD DYNAMIC TOTAL METHOD; do
    in_hdr "80x24 modules keeps $c" "$c"
done
for c in INIT STATE TAINT; do
    not_in_hdr "80x24 modules drops $c first" "$c"
done
# Right scrolls through every column in table order: INIT (the 3rd) comes back
keys Right
in_hdr "scrolled one column: INIT shown" 'INIT'
keys Left
not_in_hdr "back at the start: INIT dropped again" 'INIT'
keys 3
in_hdr "80x24 nodes keeps LOCAL%" 'LOCAL%'
in_hdr "80x24 nodes keeps PROTECTION" 'PROTECTION'
in_hdr "80x24 nodes keeps STATE" 'STATE'
stop
start 200 24 --root "$D612" -d 60 --view modules
in_hdr "200 columns: INIT shown" 'INIT'
in_hdr "200 columns: STATE shown" "STATE"
stop

done_testing
