#!/bin/sh
# screen-setup.sh - what issue 15 asked of the screen beyond its keys: the
# columns that matter stay on a narrow screen (priorities), the setup screen
# and the saved settings (kmemtoprc), and the mouse. kmemtop runs in tmux on
# fixture trees; the pane is read with capture-pane.
. "$(dirname "$0")/lib.sh"

. "$KM_SRCDIR/tests/tmux.sh"
if ! km_tmux kms; then
    echo "1..0 # SKIP tmux is not installed (build.sh test installs it)"
    exit 0
fi
UTF8=C.UTF-8
locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || UTF8=

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

# --- (b) kmemtoprc: read at start, under the command line; bad lines named and skipped ---
RC="$XDG_CONFIG_HOME/kmemtop/kmemtoprc"
mkdir -p "$XDG_CONFIG_HOME/kmemtop"
cat >"$RC" <<'EOR'
# a hand-written kmemtoprc
tab = slabs
sort.slabs = objs
reverse.slabs = yes
not a setting
columns.slabs = objs footprint
color = sometimes
EOR
start 100 30 --root "$D612" -d 60
see "kmemtoprc: the tab it names is opened" '\[5 Slabs\]'
in_hdr "kmemtoprc: its columns" 'OBJS +FOOTPRINT'
not_in_hdr "kmemtoprc: the columns not listed are hidden" 'ACTIVE'
in_hdr "kmemtoprc: its sort, reversed (smallest first)" '▲OBJS'
see "kmemtoprc: a bad line is said on the status line with its number" 'kmemtoprc: line 5: not .name = value.'
stop
contains "kmemtoprc: bad lines on stderr with file and line" "$(cat "$TMP/stderr")" "kmemtop/kmemtoprc:5: not 'name = value'"
contains "kmemtoprc: the second bad line too" "$(cat "$TMP/stderr")" "kmemtoprc:7: wants yes or no: 'sometimes'"
start 100 30 --root "$D612" -d 60 --no-config
see "--no-config: the first tab" '\[1 Overview\]'
keys 5
in_hdr "--no-config: every column" 'ACTIVE'
stop
start 100 30 --root "$D612" -d 60 --view nodes -s footprint
see "--view wins over the kmemtoprc's tab" '\[3 Nodes\]'
keys 5
in_hdr "-s wins over the kmemtoprc's sort" '▼FOOTPRINT'
stop

# --- the setup screen (F2): columns chosen and moved, W saves ---
rm -rf "$XDG_CONFIG_HOME"
start 100 40 --root "$D612" -d 60 --view modules
see "modules before setup" '^MODULE'
keys F2
see "F2 opens the setup screen" 'Setup: W saves to .*kmemtop/kmemtoprc'
see "setup lists the view's columns" '\[x\] INIT'
# items: tab, delay, colours, mouse, sort, order, then SIZE, CORE, INIT...
keys Down Down Down Down Down Down Down Down Space
see "Space unticks INIT" '\[ \] INIT'
keys Down Space
see "and REFS" '\[ \] REFS'
keys Escape
see "back to the table" '^MODULE'
start_w=$(header)
keys Right
not_in_hdr "hidden columns stay hidden when scrolled sideways" 'INIT|REFS'
keys Left
keys W
see "W saves" 'Settings saved to'
if [ -f "$RC" ] && grep -q '^columns.modules = ' "$RC" && ! grep '^columns.modules' "$RC" | grep -qw init; then
    ok "the file lists the modules' columns without init"
else nok "the file lists the modules' columns without init" "$(cat "$RC" 2>&1)"; fi
is "the file is 0600" "$(stat -c %a "$RC" 2>/dev/null)" 600
is "its directory was made 0700" "$(stat -c %a "$XDG_CONFIG_HOME/kmemtop" 2>/dev/null)" 700
stop
start 100 40 --root "$D612" -d 60 --view modules
see "saved settings read back" '^MODULE'
not_in_hdr "saved: INIT stays hidden" 'INIT'
stop
# W replaces a symlink, never writes through it
echo precious >"$TMP/victim"
rm -f "$RC"
ln -s "$TMP/victim" "$RC"
start 100 40 --root "$D612" -d 60 --view modules
see "started with a symlinked kmemtoprc" '^MODULE'
keys W
see "W over a symlink saves" 'Settings saved to'
stop
is "the symlink's target is untouched" "$(cat "$TMP/victim")" precious
if [ -f "$RC" ] && [ ! -L "$RC" ]; then ok "the symlink became a file"; else nok "the symlink became a file" "$(ls -l "$RC")"; fi

# as nobody: a directory of someone else's is refused with the reason
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    mkdir -p "$TMP/rootcfg/kmemtop" && chmod 755 "$TMP/rootcfg" "$TMP/rootcfg/kmemtop"
    T kill-session -t "$S" 2>/dev/null
    T new-session -d -s "$S" -x 120 -y 30 "env LC_ALL=${UTF8:-C} XDG_CONFIG_HOME=$TMP/rootcfg setpriv --reuid=nobody --regid=nogroup --clear-groups $KMEMTOP --root $D612 -d 60 --view modules; echo EXITED rc=\$?; sleep 60"
    see "as nobody" '^MODULE'
    keys W
    see "as nobody: root's directory is refused, saying why" 'Settings not saved: .*(belongs to uid 0|Permission denied)'
    stop
else
    ok "# SKIP not root: no second user"
    ok "# SKIP not root: no second user"
fi

# the help screen names the setup key, W and the mouse
start 120 150 --root "$D612" -d 60 --view modules
see "help: modules" '^MODULE'
keys h
see "help lists F2" 'F2 +setup'
see "help lists W" 'W +save the settings'
see "help says what the mouse does" 'a column title: sort by it'
stop

# --- (c) the mouse: raw X10 reports (ESC [ M b x y) go through ncurses' getmouse ---
# click X Y: a press and a release of button 1 at column X, line Y (0-based)
# Each report goes in one send-keys, so that it reaches ncurses in one read (a report
# split across ESCDELAY would be read as keys). X and Y below 90: printable bytes.
chr() { printf "\\$(printf '%03o' "$1")"; }
click() {
    _x=$(chr $(($1 + 33))) _y=$(chr $(($2 + 33)))
    keys -l "$(printf '\033[M ')$_x$_y"
    keys -l "$(printf '\033[M#')$_x$_y"
}
wheel() { keys -l "$(printf '\033[M')$(chr $((0x$1)))00"; } # 60 up, 61 down
lineof() { pane | grep -n -E -- "$1" | head -1 | cut -d: -f1; }
colof() { pane | grep -E -- "$1" | head -1 | awk -v w="$2" '{ print index($0, w) }'; }
status_sel() { pane | tail -2 | head -1 | grep -oE '[0-9]+/[0-9]+' | head -1; }
rm -rf "$XDG_CONFIG_HOME"
start 100 30 --root "$D612" -d 60 --view slabs
see "mouse: slabs" '^NAME'
ty=$(($(lineof '\[5 Slabs\]') - 1))
# the tabs: " 1 Overview  2 Modules  3 Nodes  4 Buddy [5 Slabs] 6 Vmstat ..."
tx=$(colof '\[5 Slabs\]' ' 3 Nodes')
click "$((tx + 2))" "$ty"
see "mouse: a click on a tab switches to it" '\[3 Nodes\]'
click 2 "$ty"
see "mouse: another tab" '\[1 Overview\]'
keys 5
see "back to slabs" '^NAME'
hy=$(($(lineof '^NAME') - 1))
ox=$(colof '^NAME' 'OBJS')
click "$ox" "$hy"
in_hdr "mouse: a click on a title sorts by it" '▼OBJS'
click "$ox" "$hy"
in_hdr "mouse: again: the other way" '▲OBJS'
click 3 "$((hy + 4))"
if poll sh -c "[ \"\$(tmux -L $SOCK capture-pane -p -t $S | tail -2 | head -1 | grep -oE '[0-9]+/[0-9]+' | head -1)\" = 4/225 ]"; then
    ok "mouse: a click on a row selects it"; else nok "mouse: a click on a row selects it" "$(pane | tail -2)"; fi
wheel 61
if poll sh -c "tmux -L $SOCK capture-pane -p -t $S | tail -2 | head -1 | grep -qE '(^| )7/225'"; then
    ok "mouse: the wheel moves down"; else nok "mouse: the wheel moves down" "$(pane | tail -2)"; fi
wheel 60
if poll sh -c "tmux -L $SOCK capture-pane -p -t $S | tail -2 | head -1 | grep -qE '(^| )4/225'"; then
    ok "mouse: and up"; else nok "mouse: and up" "$(pane | tail -2)"; fi
stop
# a terminal whose kmous is SGR (xterm-256color: ESC [ < b ; x ; y M, 1-based)
XENV=TERM=xterm-256color start 100 30 --root "$D612" -d 60 --view slabs
see "SGR mouse: slabs" '^NAME'
keys -l "$(printf '\033[<0;%d;%dM' $((tx + 3)) $((ty + 1)))"
keys -l "$(printf '\033[<0;%d;%dm' $((tx + 3)) $((ty + 1)))"
see "SGR mouse: a click on a tab switches to it" '\[3 Nodes\]'
stop
XENV=
start 100 30 --root "$D612" -d 60 --view slabs -M
see "-M: slabs" '^NAME'
click "$((tx + 2))" "$ty"
sleep 0.5
see "-M: a click on a tab does nothing" '\[5 Slabs\]'
stop
mkdir -p "$XDG_CONFIG_HOME/kmemtop" && echo 'mouse = no' >"$RC"
start 100 30 --root "$D612" -d 60 --view slabs
see "mouse = no: slabs" '^NAME'
click "$((tx + 2))" "$ty"
sleep 0.5
see "mouse = no: a click does nothing" '\[5 Slabs\]'
stop

done_testing
