#!/bin/sh
# screen.sh - the interactive screen, end to end: kmemtop runs in tmux on
# fixture trees; keys are sent with send-keys and the pane read with
# capture-pane. Each step polls (0.1 s steps, 3 s at most) for what must
# be on screen. Every way out must leave the terminal in normal mode.
. "$(dirname "$0")/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
    echo "1..0 # SKIP tmux is not installed (build.sh test installs it)"
    exit 0
fi
export TERM=xterm-256color
unset TMUX NO_COLOR
SOCK="km$$"
S=km
T() { tmux -L "$SOCK" "$@"; }
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
UTF8=C.UTF-8
locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || UTF8=

pane() { T capture-pane -p -t "$S" 2>/dev/null; }
# The first table row: the line after the column header that starts with $1.
first_row() { pane | awk -v h="^$1" 'f { print $1; exit } $0 ~ h { f = 1 }'; }
# batch_first HEADER ARGS...: the first row of the same table in batch mode.
batch_first() { _h=$1; shift; "$KMEMTOP" --root "$FIX/debian61-root" -o "$@" | awk -v h="^$_h" 'f { print $1; exit } $0 ~ h { f = 1 }'; }

# poll CMD...: runs CMD every 0.1 s for up to 3 s until it succeeds.
poll() { _i=0; while [ $_i -lt 30 ]; do "$@" && return 0; sleep 0.1; _i=$((_i + 1)); done; "$@"; }
has() { pane | grep -Eq -- "$1"; }
hasnt() { ! pane | grep -Eq -- "$1"; }
# see NAME PATTERN: the pane shows PATTERN (grep -E) within 3 s.
see() { if poll has "$2"; then ok "$1"; else nok "$1" "no /$2/ on screen:
$(pane)"; fi; }
gone() { if poll hasnt "$2"; then ok "$1"; else nok "$1" "/$2/ still on screen:
$(pane)"; fi; }
first_is() { [ "$(first_row "$1")" = "$2" ]; }
row1() { if poll first_is "$2" "$3"; then ok "$1"; else nok "$1" "first row '$(first_row "$2")', want '$3':
$(pane)"; fi; }
keys() { T send-keys -t "$S" "$@"; }
normal_mode() { [ "$(T display -p -t "$S" '#{alternate_on}')" = 0 ]; }

# start W H ARGS...: kmemtop in a new session; EXITED rc=N is printed when it ends.
start() {
    w=$1 h=$2
    shift 2
    T kill-session -t "$S" 2>/dev/null
    printf '%s\n' "$@" >"$TMP/args"
    cat >"$TMP/run.sh" <<EOF
#!/bin/sh
echo \$\$ >"$TMP/pid"
trap : INT # Ctrl-C is for kmemtop; this shell stays to say how it ended
set -- \$(cat "$TMP/args")
$KMEMTOP "\$@" 2>>"$TMP/stderr"
echo "EXITED rc=\$?"
sleep 60
EOF
    rm -f "$TMP/pid"
    T new-session -d -s "$S" -x "$w" -y "$h" "env ${LCV:-LC_ALL=${UTF8:-C}} sh $TMP/run.sh"
}
kmpid() { pgrep -P "$(cat "$TMP/pid")" 2>/dev/null | head -1; }
ended() {
    rc=$1 what=$2
    see "$what: kmemtop ends with status $rc" "^EXITED rc=$rc"
    if poll normal_mode; then ok "$what: terminal back in normal mode"; else nok "$what: still in the alternate screen"; fi
}

# --- tabs, sorting, the slab letters -------------------------------------
start 120 40 --root "$FIX/debian61-root" -d 0.2
see "starts on the Modules tab" '\[1 Modules\]'
see "summary header" '^Mem: .* total'
row1 "modules sorted by size, largest first" MODULE "$(batch_first MODULE --view modules)"
see "key hint bar" 'h Help .*q Quit'
keys 4
see "4: the Slabs tab is marked" '\[4 Slabs\]'
row1 "slabs sorted by footprint like batch mode" NAME "$(batch_first NAME --view slabs)"
[ -n "$UTF8" ] && see "sort column marked with an arrow" '▼FOOTPRINT'
keys o Home
row1 "slabtop letter o sorts by objects" NAME "$(batch_first NAME --view slabs -s o)"
keys R
see "R reverses the sort" '▲OBJS|\^OBJS'
keys '<' Home
row1 "< moves the sort to the name column" NAME "$(batch_first NAME --view slabs -s name)"
keys '>'
see "> moves it back to objects" '▼OBJS|vOBJS'
keys Tab
see "Tab goes to the next tab (wraps to Modules)" '\[1 Modules\]'
keys BTab
see "Shift-Tab goes back" '\[4 Slabs\]'
keys 2
see "2: Nodes" '\[2 Nodes\]'
keys 3
see "3: Buddy" '\[3 Buddy\]'
keys 4 c Home
row1 "c: slabtop's footprint letter" NAME "$(batch_first NAME --view slabs -s c)"

# --- filter and search ---------------------------------------------------
keys '\' k m a l l o c - Enter
see "the filter is shown" 'Filter: kmalloc-'
table=$(pane | awk '/^NAME/ { f = 1; next } /Filter:/ { f = 0 } f && NF')
if [ -n "$table" ] && ! printf '%s\n' "$table" | grep -qv kmalloc-; then ok "only matching rows"; else nok "only matching rows" "$table"; fi
keys Escape
see "Esc clears the filter" '^inode_cache '
want=$("$KMEMTOP" --root "$FIX/debian61-root" -o --view slabs | awk '/^NAME/ { f = 1; next } f { n++ } f && $1 == "dentry" { print n; exit }')
keys Home / d e n t r y
see "search prompt" 'Search: dentry'
keys Enter
see "the selection jumps to the first match" "Search: dentry +$want/"
keys Escape '/' k m a l l Enter
see "search for kmall" 'Search: kmall +[0-9]+/'
p1=$(pane | sed -n 's/.*Search: kmall *\([0-9]*\)\/.*/\1/p')
keys F3
gone "F3: next match" "Search: kmall +$p1/"
keys S-F3
see "Shift-F3: previous match" "Search: kmall +$p1/"
keys Escape / z z q
see "a search with no match says so" 'Search: zzq  \(no match\)'
keys Escape
gone "Esc ends the search" 'Search: zzq'

# --- pause, delay, help, picker, details --------------------------------
keys Z
see "Z pauses" 'PAUSED'
keys Z
gone "Z resumes" 'PAUSED'
keys d C-u 0 . 5 Enter
see "d sets a delay with a fraction" 'Delay set to 0.5s'
keys d C-u a b c Enter
see "a bad delay is refused" 'Not a delay: "abc".*still 0.5s'
keys h
see "h opens the help" 'Search and filter'
keys End
see "help scrolls to the slab columns" 'Columns of the Slabs view'
keys Escape
see "Esc closes the help" '^NAME'
keys F6
see "F6 opens the column picker" 'Sort by'
keys Escape Home Enter
see "Enter shows the selected row's details" '^Slabs: '
keys Escape
see "Esc goes back to the table" '^NAME'

# --- sizes ---------------------------------------------------------------
T resize-window -t "$S" -x 40 -y 10
see "40x10: the tab bar fits" '^ 1 Modules  2 Nodes  3 Buddy \[4 Slabs\]$'
see "40x10: the sort column stays" '^NAME.*FOOTPRINT'
see "40x10: the hint bar" '^/ Search'
lines=$(pane | wc -l)
is "40x10: ten lines" "$lines" 10
is "40x10: the summary on the first line" "$(pane | head -1 | cut -c1-7)" kmemtop
T resize-window -t "$S" -x 250 -y 60
see "250x60: every column" 'NAME.*OBJS.*ACTIVE.*USE.*OBJ SIZE.*SLABS.*OBJ/SLAB.*PAGES/SLAB.*FOOTPRINT'
see "250x60: the whole summary" '^VmallocUsed'
keys q
ended 0 "q"

# --- signals, Ctrl-C, F10 ------------------------------------------------
for sig in TERM HUP; do
    start 80 24 --root "$FIX/debian61-root" -d 0.2
    see "SIG$sig: running" '\[1 Modules\]'
    poll test -n "$(kmpid)"
    kill -$sig "$(kmpid)"
    [ $sig = TERM ] && ended 143 "SIGTERM" || ended 129 "SIGHUP"
done
start 80 24 --root "$FIX/debian61-root" -d 0.2
see "Ctrl-C: running" '\[1 Modules\]'
keys C-c
ended 0 "Ctrl-C"
start 80 24 --root "$FIX/debian61-root" --view buddy -d 0.2
see "--view buddy opens the Buddy tab" '\[3 Buddy\]'
keys +
see "+ selects the next order on the buddy view" 'Fragmentation for order 4'
keys - -
see "- the one below" 'Fragmentation for order 2'
keys F10
ended 0 "F10"

# --- keys do not wait for the next sample ---------------------------------
start 80 24 --root "$FIX/debian61-root" -d 1000
see "a long delay: running" '\[1 Modules\]'
keys 4
see "a long delay: the tab changes at once, with its table" '^NAME.*FOOTPRINT'
keys Z
see "a long delay: Z at once" 'PAUSED'
keys q
ended 0 "a long delay"

# --- a fatal error: the tree to show next has gone ------------------------
cp -rL "$FIX/series-debian61" "$TMP/series"
start 80 24 --root "$TMP/series" -d 1000
see "fatal error: running" '\[1 Modules\]'
rm -rf "$TMP/series/2-root2"
keys Space
ended 1 "fatal error"
check "fatal error: the message is printed (after the screen is restored)" grep -q '^kmemtop: --root .*2-root2' "$TMP/stderr"
: >"$TMP/stderr"

# --- what a normal user sees, a series, an old kernel, colours, ASCII ------
start 80 24 --root "$FIX/debian61-user" --view slabs -d 0.2
see "user capture: the reason the slab table is missing" '^Slabs: '
see "user capture: the notes still shown" 'meminfo Slab'
keys q
ended 0 "user capture"
start 100 30 --root "$FIX/series-debian61" -d 0.2
see "series: says when it has ended" 'end of series'
keys q
ended 0 "series"
start 80 24 --root "$FIX/sep4020-2.6" -d 0.2
see "2.6 kernel: the screen comes up" '\[1 Modules\]'
keys q
ended 0 "2.6 kernel"
start 80 24 --root "$FIX/debian61-root" -d 0.2
see "colours: running" '\[1 Modules\]'
if T capture-pane -e -p -t "$S" | grep -q "$(printf '\033')\[[0-9;]*4[0-7]m"; then ok "colours by default"; else nok "colours by default"; fi
keys 2
see "colours: the nodes tab" '\[2 Nodes\]'
esc=$(printf '\033')
if T capture-pane -e -p -t "$S" | grep '^  DMA32' | grep -q "${esc}\[[0-9;]*32m *ok"; then ok "a zone's ok state is green"
else nok "a zone's ok state is green" "$(T capture-pane -e -p -t "$S" | grep '^  DMA32' | cat -v)"; fi
keys 3
see "unicode: the buddy tab" '\[3 Buddy\]'
contains "unicode: per-order bars in block elements" "$(pane)" "^0/DMA32 .*$(printf '\342\226')"
keys q
ended 0 "colours"
start 80 24 --root "$FIX/debian61-root" -d 0.2 -C
see "-C: running" '\[1 Modules\]'
if T capture-pane -e -p -t "$S" | grep -q "$(printf '\033')\[[0-9;]*[34][0-7]m"; then nok "-C: no colours" "$(T capture-pane -e -p -t "$S" | cat -v | head -5)"; else ok "-C: no colours"; fi
keys q
ended 0 "-C"
LCV=LC_ALL=C start 80 24 --root "$FIX/debian61-root" -d 0.2
see "ASCII locale: an ASCII sort arrow" '^MODULE.* v[A-Z]'
if pane | LC_ALL=C grep -q '[^ -~]'; then nok "ASCII locale: nothing but ASCII" "$(pane | head -5)"; else ok "ASCII locale: nothing but ASCII"; fi
keys 3
see "ASCII locale: the buddy tab" '\[3 Buddy\]'
if pane | LC_ALL=C grep -q '[^ -~]'; then nok "ASCII locale: ASCII bars" "$(pane | head -12)"; else ok "ASCII locale: ASCII bars"; fi
keys q
ended 0 "ASCII"
if [ -s "$TMP/stderr" ]; then nok "nothing on stderr" "$(cat "$TMP/stderr")"; else ok "nothing on stderr"; fi
done_testing
