#!/bin/sh
# screen.sh - the interactive screen, end to end: kmemtop runs in tmux on
# fixture trees; keys are sent with send-keys and the pane read with
# capture-pane. Each step polls (0.1 s steps, 3 s at most) for what must
# be on screen. Every way out must leave the terminal in normal mode.
. "$(dirname "$0")/lib.sh"

. "$KM_SRCDIR/tests/tmux.sh"
if ! km_tmux km; then
    echo "1..0 # SKIP tmux is not installed (build.sh test installs it)"
    exit 0
fi
UTF8=C.UTF-8
locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || UTF8=

# The first table row: the line after the column header that starts with $1.
first_row() { pane | awk -v h="^$1" 'f { print $1; exit } $0 ~ h { f = 1 }'; }
# batch_first HEADER ARGS...: the first row of the same table in batch mode.
batch_first() { _h=$1; shift; "$KMEMTOP" --root "$FIX/debian61-root" -o "$@" | awk -v h="^$_h" 'f { print $1; exit } $0 ~ h { f = 1 }'; }

first_is() { [ "$(first_row "$1")" = "$2" ]; }
row1() { if poll first_is "$2" "$3"; then ok "$1"; else nok "$1" "first row '$(first_row "$2")', want '$3':
$(pane)"; fi; }
normal_mode() { [ "$(T display -p -t "$S" '#{alternate_on}')" = 0 ]; }

# start W H ARGS...: kmemtop in a new session; EXITED rc=N is printed when it ends.
# $XENV: more VAR=value words for its environment (TERM=..., NO_COLOR=1).
# The pane's tty modes (stty -g) are saved before kmemtop starts and after it ends.
start() {
    w=$1 h=$2
    shift 2
    case " $* " in *" --view "*|*" --default-tab "*) ;; *) [ -n "$KM_DEFAULT_TAB" ] || set -- "$@" --view modules ;; esac
    T kill-session -t "$S" 2>/dev/null
    printf '%s\n' "$@" >"$TMP/args"
    cat >"$TMP/run.sh" <<EOF
#!/bin/sh
echo \$\$ >"$TMP/pid"
ulimit -c 0 # the fatal signals below would leave core files
trap : INT # Ctrl-C is for kmemtop; this shell stays to say how it ended
set -- \$(cat "$TMP/args")
stty -g >"$TMP/stty.before"
$KMEMTOP "\$@" 2>>"$TMP/stderr"
rc=\$?
stty -g >"$TMP/stty.after"
echo "EXITED rc=\$rc"
sleep 60
EOF
    rm -f "$TMP/pid" "$TMP/stty.before" "$TMP/stty.after"
    T new-session -d -s "$S" -x "$w" -y "$h" "env ${LCV:-LC_ALL=${UTF8:-C}} $XENV sh $TMP/run.sh"
}
kmpid() { pgrep -P "$(cat "$TMP/pid" 2>/dev/null)" 2>/dev/null | head -1; }
running() { test -n "$(kmpid)"; }
same_stty() { [ -s "$TMP/stty.before" ] && [ -s "$TMP/stty.after" ] && cmp -s "$TMP/stty.before" "$TMP/stty.after"; }
ended() {
    rc=$1 what=$2
    see "$what: kmemtop ends with status $rc" "^EXITED rc=$rc"
    if poll normal_mode; then ok "$what: terminal back in normal mode"; else nok "$what: still in the alternate screen"; fi
    if poll same_stty; then ok "$what: tty modes restored"
    else nok "$what: tty modes restored" "before: $(cat "$TMP/stty.before" 2>/dev/null)
after:  $(cat "$TMP/stty.after" 2>/dev/null)"; fi
}
# status: the status line (the line above the hint bar).
status() { pane | tail -2 | head -1; }
# table_names HEADER: the first word of each table row under the header starting with HEADER
# (the status line and the hint bar, the last two lines, are no rows).
table_names() { pane | head -n -2 | awk -v h="^$1" '$0 ~ h { f = 1; next } f && /Filter:|Search:|^Node distances/ { exit } f && NF { printf "%s ", $1 }'; }

# --- tabs, sorting, the slab letters -------------------------------------
# --- the Overview: the first tab, shown at start --------------------------
KM_DEFAULT_TAB=1 start 120 40 --root "$FIX/pcp-xeon-2node" -d 0.2
KM_DEFAULT_TAB=
see "starts on the Overview tab" '\[1 Overview\]'
see "the Overview: MemTotal and how it adds up" '^MemTotal [0-9.]+G = free \+ user \+ kernel \+ unaccounted'
# from the second frame the history columns come after CHANGE (+BYTES, TREND; FLAG only with a suspect)
see "the Overview: the tree, with per-node columns" '^WHAT.* +BYTES +%TOTAL +SHARE +CHANGE( +\+BYTES +TREND)? +N0 +N1'
see "the Overview: no name cut" '^  shmem \(tmpfs, shared anon\) '
T resize-window -t "$S" -x 180 -y 40
see "the Overview at 180 columns: the sources too" '^WHAT.* +BYTES +%TOTAL +SHARE +CHANGE( +\+BYTES +TREND)? +N0 +N1 +SOURCE'
T resize-window -t "$S" -x 120 -y 40
see "the Overview: unaccounted, the last line" '^unaccounted +[0-9.]+[KMG]? '
see "the Overview: memory outside MemTotal" '^Outside MemTotal: '
keys / u n a c Enter
see "the Overview: search finds unaccounted" 'Search: unac'
keys 2
see "2: the Modules tab" '\[2 Modules\]'
keys 1
see "1: back to the Overview" '\[1 Overview\]'
keys q
ended 0 "overview"

start 120 40 --root "$FIX/debian61-root" -d 0.2
see "starts on the Modules tab with --view modules" '\[2 Modules\]'
see "summary header" '^Mem: .* total'
row1 "modules sorted by size, largest first" MODULE "$(batch_first MODULE --view modules)"
see "key hint bar" 'h Help .*q Quit'
keys 5
see "4: the Slabs tab is marked" '\[5 Slabs\]'
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
see "Tab goes to the next tab" '\[6 Vmstat\]'
keys Tab
see "Tab goes to the next tab" '\[7 Vmalloc\]'
keys Tab
see "Tab goes to the next tab (the last)" '\[8 Cgroups\]'
keys Tab
see "Tab goes to the next tab (wraps to the Overview)" '\[1 Overview\]'
keys BTab
see "Shift-Tab goes back (wraps to the last)" '\[8 Cgroups\]'
keys BTab BTab BTab
see "Shift-Tab goes back" '\[5 Slabs\]'
keys 3
see "2: Nodes" '\[3 Nodes\]'
keys 4
see "3: Buddy" '\[4 Buddy\]'
keys 5 c Home
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
# as top: the prompt shows the delay, and what is typed replaces it (not 0.50.01)
keys d
see "d shows the current delay" 'Delay \(seconds\): 0\.5'
keys 0 . 7 Enter
see "typing replaces the shown delay" 'Delay set to 0.7s'
keys d BSpace 9 Enter
see "Backspace first edits the shown value" 'Delay set to 0.9s'
keys d 0 . 5 Enter
see "back to 0.5s" 'Delay set to 0.5s'
# a message lasts until the next key (or a few seconds), not for good
keys y
see "an unknown key says so" "Unknown key 'y'"
keys Down
gone "the next key clears the message" "Unknown key 'y'"
keys y
see "again: an unknown key says so" "Unknown key 'y'"
sleep 4.5
gone "a message goes after a few seconds" "Unknown key 'y'"
keys h
see "h opens the help" 'Search and filter'
keys End
see "help scrolls to the slab columns" 'ALIASES +caches merged into this one'
keys Escape
see "Esc closes the help" '^NAME'
keys F6
see "F6 opens the column picker" 'Sort by'
keys Escape Home Enter
see "Enter shows the selected row's details" '^Slabs: '
# every value ends two blanks before its description, the longest (PER NODE) too
is "details: no value runs into its description" \
    "$(pane | awk '/^  [A-Z]/ && NF > 2 { v = substr($0, 16); if (v !~ /^[^ ]+  +[^ ]/ && v !~ /^[^ ]+ *$/) print }')" ""
see "details: the per-node value set apart from its words" '^  PER NODE +N0:[^ ]+  +memory per NUMA node'
keys Escape
see "Esc goes back to the table" '^NAME'

# --- sizes ---------------------------------------------------------------
T resize-window -t "$S" -x 40 -y 10
see "40x10: the tab bar fits (the sixth tab cut at the edge)" '^ 1 Overview  2 Modules  3 Nodes  4 Budd'
see "40x10: the sort column stays" '^NAME.*FOOTPRINT'
see "40x10: the hint bar" '^/ Search'
# -J joins a line the terminal wrapped: a line kmemtop wrote too long shows as one
widest=$(T capture-pane -p -J -t "$S" | LC_ALL=${UTF8:-C} wc -L)
check "40x10: no line wider than 40 columns ($widest)" test "$widest" -le 40
is "40x10: ten lines, none wrapped" "$(T capture-pane -p -J -t "$S" | wc -l)" 10
contains "40x10: the status line is line 9" "$(pane | sed -n 9p)" ' 0\.5s$'
contains "40x10: the hint bar is line 10" "$(pane | sed -n 10p)" '^/ Search'
is "40x10: the summary on the first line" "$(pane | head -1 | cut -c1-7)" kmemtop
T resize-window -t "$S" -x 250 -y 60
see "250x60: every column" 'NAME.*OBJS.*ACTIVE.*USE.*OBJ SIZE.*SLABS.*OBJ/SLAB.*PAGES/SLAB.*FOOTPRINT'
see "250x60: the whole summary" '^VmallocUsed'
keys q
ended 0 "q"

# --- more keys: F4, ?, F1, I, j/k, PgUp/PgDn, Esc after a search, d then Esc
start 120 30 --root "$FIX/debian61-root" --view slabs -d 0.2
see "more keys: running" '\[5 Slabs\]'
keys F4
see "F4 opens the filter prompt" '^Filter: +0\.2s$'
keys Escape '?'
see "? opens the help" 'Search and filter'
keys Escape
see "Esc closes it" '^NAME'
keys F1
see "F1 opens the help" 'Search and filter'
keys Escape I
see "I reverses the sort, as R does" '▲FOOTPRINT|\^FOOTPRINT'
keys I
see "I again: back" '▼FOOTPRINT|vFOOTPRINT'
keys j j
see "j moves the selection down" '^3/[0-9]+ +0\.2s$'
keys k
see "k moves it up" '^2/[0-9]+ +0\.2s$'
keys Home
see "Home: the first row" '^1/[0-9]+ +0\.2s$' # else a slow kmemtop still showing 2/ passes the next check
keys NPage
gone "PgDn: one page down" '^1/[0-9]+ +0\.2s$'
p1=$(status | sed -n 's/^\([0-9]*\)\/.*/\1/p')
keys NPage
see "PgDn again: as far again" "^$((2 * p1 - 1))/[0-9]+ +0\.2s$"
keys PPage
see "PgUp: one page up" "^$p1/[0-9]+ +0\.2s$"
keys / d e n t r y Enter
see "a search" 'Search: dentry'
keys Escape
see "Esc after a search says it cleared it" 'Search and filter cleared'
gone "Esc clears the search" 'Search: dentry'
keys d 5 Escape
gone "d then Esc: the prompt goes" 'Delay \(seconds\)'
sleep 0.3
if pane | grep -q 'Delay set\|0\.25s'; then nok "d then Esc keeps the delay" "$(status)"; else ok "d then Esc keeps the delay"; fi
see "d then Esc: still 0.2s" ' 0\.2s$'
keys q
ended 0 "more keys"

# --- Home and End when terminfo lacks their sequences (tmux sends ESC[1~ ESC[4~)
XENV=TERM=xterm-256color start 100 30 --root "$FIX/debian61-root" --view slabs -d 0.2
see "TERM=xterm-256color: running" '\[5 Slabs\]'
keys '\' k m a l l o c Enter
see "a filter to keep" 'Filter: kmalloc +1/'
keys End
see "End: the last row" 'Filter: kmalloc +([0-9]+)/\1 '
keys Home
see "Home: the first row" 'Filter: kmalloc +1/[0-9]+ '
see "Home did not switch tabs" '\[5 Slabs\]'
if pane | grep -q 'Unknown key\|cleared'; then nok "Home and End are one key each" "$(status)"; else ok "Home and End are one key each"; fi
keys Escape
see "a lone Esc still clears" 'Search and filter cleared'
keys q
ended 0 "TERM=xterm-256color"

# --- filter and search on the Nodes and Buddy views ----------------------
start 160 40 --root "$FIX/debian61-root" -d 0.2
see "nodes: running" '\[2 Modules\]'
keys 3 '\' n o d e 1 Enter
see "nodes: the filter is shown" 'Filter: node1'
is "nodes: only node1 and its zones (the empty ones hidden)" "$(table_names NODE/ZONE)" "node1 DMA32 "
keys Escape / D M A 3 2 Enter
see "nodes: / finds node0's DMA32" 'Search: DMA32 +3/5 '
keys F3
see "nodes: F3 finds node1's DMA32" 'Search: DMA32 +5/5 '
keys Escape 4 '\' 1 / d m a 3 2 Enter
see "buddy: the filter is shown" 'Filter: 1/dma32'
is "buddy: only 1/DMA32 and its migrate types (the all-zero ones hidden)" "$(table_names NODE/ZONE)" \
    "1/DMA32 unusable Unmovable Movable Reclaimable "
keys Escape / R e c l a i m Enter
see "buddy: / finds a migrate type" 'Search: Reclaim +9/14 '
keys F3
see "buddy: F3 the next zone's" 'Search: Reclaim +14/14 '
keys Escape Z Space
see "the Nodes and Buddy views survive filtering and searching" '\[4 Buddy\]'
keys q
ended 0 "nodes and buddy"

# --- a column whose every cell is absent ('-') is not drawn; the sort column stays ---
start 240 30 --root "$FIX/debian61-root" -d 0.2 --view nodes
see "nodes, one tree: LOCAL%, SPANNED, PRESENT and PROTECTION on screen" '^NODE/ZONE.* LOCAL% +SPANNED +PRESENT +PROTECTION'
gone "nodes, one tree: no column of '-' only (the six rate columns)" 'HIT/s|MISS/s|FOREIGN/s|INTLV/s|LOCAL/s|OTHER/s'
see "nodes, one tree: numastat's counters since boot instead" '^NODE/ZONE.* SLAB +numa_hit +numa_miss +numa_foreign +interleave_hit +local_node +other_node +LOCAL%'
see "... as node0's numastat holds them" '^node0 .* 70520 +0 +0 +256 +69648 +872 +98\.8%'
keys q
ended 0 "all-absent columns"
start 200 30 --root "$FIX/debian61-root" -d 0.2 --view slabs
see "slabs, one tree: the table is drawn" '^NAME.*FOOTPRINT'
gone "slabs, one tree: GROWTH, every cell '-', is not drawn" 'GROWTH'
keys q
ended 0 "all-absent GROWTH"
start 200 30 --root "$FIX/debian61-root" -d 0.2 --view slabs -s growth
see "the sort column is drawn though all its cells are absent" 'GROWTH'

keys q
ended 0 "all-absent columns, sorted by one"

# --- Left/Right scroll a table wider than the screen, the name column fixed ---
start 80 24 --root "$FIX/debian61-root" -d 0.2 --view nodes
# unscrolled, the least useful columns go first (CPUS, USED%, the rates), not the rightmost
see "80 columns: the Nodes table keeps the columns that matter" '^NODE/ZONE.* +TOTAL +FREE +STATE +MIN +LOW +LOCAL%'
see "the hint bar says Left/Right scroll the columns" 'Left/Right Columns'
hasnt 'PROTECTION' && ok "80 columns: PROTECTION off screen" || nok "80 columns: PROTECTION off screen" "$(pane)"
keys Right Right
see "Right Right: CPUS and TOTAL scrolled off, the name column stays" '^NODE/ZONE.{0,4} +FREE +USED% +STATE '
see "Right Right: the rows keep their names" '^  DMA32 +822M '
keys Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right
see "Right to the end: PROTECTION" '^NODE/ZONE.* PROTECTION'
see "at the end: the last column's cells" '^  DMA +.*0,3.67M'
keys Home Left Left Left Left Left Left Left Left Left Left Left Left Left Left Left Left Left Left Left Left Left Left
see "Left back to the start" '^NODE/ZONE.* +TOTAL +FREE +STATE'
T resize-window -t "$S" -x 240 -y 24
see "240 columns: all of it fits" '^NODE/ZONE.* PROTECTION'
gone "240 columns: no Left/Right hint" 'Left/Right'
keys q
ended 0 "horizontal scroll"

# --- SLUB merged caches: filter and search by alias name, details list the aliases ---
start 160 40 --root "$FIX/this-vm-6.18" -d 0.2 --view slabs
see "slabs: running" '\[5 Slabs\]'
keys '\' e x t 4 _ i o _ e n d _ v e c Enter
see "filter by an alias: the cache it is merged into" '^lsm_inode_cache '
is "filter by an alias: that cache alone" "$(table_names NAME)" "lsm_inode_cache "
keys Escape / k v m _ a s y n c Enter
see "search by an alias selects the cache" 'Search: kvm_async +[0-9]+/[0-9]+ '
keys Enter
see "details: the cache merged into" 'Slabs: kernfs_node_cache'
see "details: the alias names listed" 'Merged into kernfs_node_cache \(SLUB aliases\):'
see "details: kvm_async_pf by name" '^  kvm_async_pf$'
keys Escape q
ended 0 "slab aliases"

# --- quiet rows: empty zones and all-zero migrate types hidden, z shows them ---
start 160 40 --root "$FIX/debian61-root" -d 0.2 --view nodes
see "nodes: how many empty zones are hidden, and the key" '^7 empty zones hidden: z shows them$'
is "nodes: no empty zone row by default" "$(table_names NODE/ZONE)" "node0 DMA DMA32 node1 DMA32 "
keys z
see "z: says every row is shown" 'Every row shown \(z hides the quiet ones\)'
gone "z: the hidden count goes" 'empty zones hidden'
is "z: the empty zones are back, in their place" "$(table_names NODE/ZONE)" \
    "node0 DMA DMA32 Normal Movable Device node1 DMA DMA32 Normal Movable Device "
keys 4
see "buddy after z: every migrate type too" '^  HighAtomic +0 '
keys z
see "z again on Buddy: the all-zero migrate types hidden" '^7 all-zero migrate types hidden: z shows them$'
gone "z again: no HighAtomic row" '^  HighAtomic '
keys 3
see "and on Nodes the empty zones hidden again" '^7 empty zones hidden: z shows them$'
keys q
ended 0 "quiet rows"
start 160 40 --root "$FIX/edge-numa-sparse" -d 0.2 --view nodes
see "a memory-less node keeps its row, its empty zones hidden" '^node8 \(no memory\) +4-5 '
is "sparse: node rows all there" "$(table_names NODE/ZONE)" "node0 DMA32 Normal node8 node250 Movable "
keys q
ended 0 "quiet rows, memory-less node"
start 160 40 --root "$FIX/debian61-root" -d 0.2 --view nodes --all-rows
see "--all-rows: the screen shows the empty zones" '^  Movable +- +0 '
hasnt 'empty zones hidden' && ok "--all-rows: no hidden count" || nok "--all-rows: no hidden count" "$(pane)"
keys q
ended 0 "quiet rows, --all-rows"

# --- a module's vmalloc areas -------------------------------------------
start 160 40 --root "$FIX/debian61-root" -d 0.2
see "details: running" '\[2 Modules\]'
keys '\' z r a m Enter Home Enter
see "Enter on zram: its image area, allocated by load_module" 'load_module\+'
see "Enter on zram: the areas its disksize_store allocated" 'disksize_store'
keys Escape
see "Esc goes back to the modules" '^MODULE'
keys q
ended 0 "details"

# --- the Vmalloc tab: callers by RAM, and one caller's areas ---------------
start 160 40 --root "$FIX/debian61-root" -d 0.2
see "vmalloc: running" '\[2 Modules\]'
keys 7
see "6: the Vmalloc tab is marked" '\[7 Vmalloc\]'
see "vmalloc: the table (no GROWTH column: all '-' on one tree)" '^CALLER +MODULE +AREAS +BYTES +.RAM +KINDS +PER NODE'
row1 "vmalloc: sorted by RAM like batch mode" CALLER "$(batch_first CALLER --view vmalloc)"
see "vmalloc: RAM in areas against VmallocUsed" '^RAM in areas .* vs VmallocUsed .*: differ by'
keys '\' z r a m Enter Home Enter
see "Enter on disksize_store [zram]: its areas" '^disksize_store \[zram\]: 2 areas, [0-9.]+[KM] of address space, [0-9.]+[KM] of RAM$'
see "Enter: the columns of --details" '^ADDRESS RANGE +BYTES +PAGES +KINDS +PER NODE +CALLER$'
see "Enter: each area's range, pages, flags and nodes" '^0x[0-9a-f]+-0x[0-9a-f]+ +1\.50M +384 +vmalloc +N1=384 '
area=$("$KMEMTOP" --root "$FIX/debian61-root" -o --view vmalloc --details 'disksize_store [zram]' | grep '^0x' | tail -1 | sed 's/[][\\.*^$+?(){}|]/\\&/g')
see "Enter: the same area lines as --details in batch mode" "^$area\$"
keys Escape
see "Esc goes back to the callers" '^CALLER'
keys q
ended 0 "vmalloc"
start 100 30 --root "$FIX/debian61-user" --view vmalloc -d 0.2
see "--view vmalloc opens the Vmalloc tab" '\[7 Vmalloc\]'
see "vmalloc, user capture: why there is no table" '^Vmalloc: not in the captured tree'
see "vmalloc, user capture: VmallocUsed still shown" 'What every user can read: meminfo VmallocUsed'
keys q
ended 0 "vmalloc, user capture"

# --- Z holds a series still; Space samples the next tree at once ----------
mkdir "$TMP/long"
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
    ln -s "$FIX/debian61-root" "$TMP/long/$i-root"
done
start 100 30 --root "$TMP/long" -d 0.2
see "series: running" 'tree [0-9]+/30'
keys Z
see "series: Z pauses" 'PAUSED'
t1=$(pane | sed -n 's/.*tree \([0-9]*\)\/30.*/\1/p')
sleep 1
t2=$(pane | sed -n 's/.*tree \([0-9]*\)\/30.*/\1/p')
is "series: the tree counter stands still while paused" "$t2" "$t1"
keys Space
see "series: Space samples the next tree" "tree $((t1 + 1))/30"
keys Z
gone "series: Z resumes" "tree $((t1 + 1))/30"
keys q
ended 0 "series paused"

# --- colours mean something: growth is red, a healthy rate is not ----------
esc=$(printf '\033')
start 160 30 --root "$FIX/series-slab-growth" --view slabs -d 0.2
see "growth: the series has ended" 'end of series'
line=$(T capture-pane -e -p -t "$S" | grep "shmem_inode_cache")
if printf '%s' "$line" | grep -q "${esc}\[[0-9;]*31m *+324K/s"; then ok "a growing slab cache's GROWTH is red"
else nok "a growing slab cache's GROWTH is red" "$(printf '%s' "$line" | cat -v)"; fi
keys q
ended 0 "growth"
start 200 30 --root "$FIX/series-debian61" --view nodes -d 0.2
see "rates: the series has ended" 'end of series'
see "rates: node1 has rates" '^node1 .* [0-9.]+/s'
line=$(T capture-pane -e -p -t "$S" | grep "^node1 ")
if printf '%s' "$line" | grep -q "${esc}\[[0-9;]*3[12]m *+[0-9]"; then nok "a node's HIT/s and LOCAL/s are not coloured" "$(printf '%s' "$line" | cat -v)"
else ok "a node's HIT/s and LOCAL/s are not coloured"; fi
keys q
ended 0 "rates"

# --- a name with an escape sequence, a control byte and a byte not UTF-8 ----
for loc in ${UTF8:+$UTF8} C; do
    LCV=LC_ALL=$loc start 120 20 --root "$FIX/edge-hostile-names" --view slabs -d 0.2
    see "hostile name ($loc): shown with replacements" '^evil.\[31mred."q\\. '
    evil=$(T capture-pane -e -p -t "$S" | grep '^evil')
    if printf '%s' "$evil" | grep -q "$esc"; then nok "hostile name ($loc): no escape code reaches the terminal" "$(printf '%s' "$evil" | cat -v)"
    else ok "hostile name ($loc): no escape code reaches the terminal"; fi
    is "hostile name ($loc): its columns line up with dentry's" \
        "$(pane | grep '^evil' | LC_ALL=$loc wc -L)" "$(pane | grep '^dentry' | LC_ALL=$loc wc -L)"
    # C1 controls (CSI U+009B, NEL U+0085), bidirectional overrides, isolates and marks
    R="(\\?|$(printf '\357\277\275'))"
    see "C1 controls ($loc): each shown as one replacement" "^c1csi${R}31mred${R}x "
    see "bidi controls ($loc): each shown as one replacement" "^bidi${R}live${R}${R}iso${R} "
    see "bidi marks, a line separator ($loc): replaced" "^marks${R}${R}${R}${R}x "
    [ "$loc" = C ] || see "a no-break space and an accent ($loc): shown as they are" "^kept$(printf '\302\240')caf$(printf '\303\251') "
    hostile=$(T capture-pane -e -p -t "$S" | grep -E '^(c1csi|bidi|marks)')
    if printf '%s' "$hostile" | LC_ALL=C grep -Eq "$(printf '\302[\200-\237]|\342\200[\216\217\250-\256]|\342\201[\246-\251]|\330\234')"; then
        nok "C1 and bidi controls ($loc): none reaches the terminal" "$(printf '%s' "$hostile" | od -c | head -20)"
    else ok "C1 and bidi controls ($loc): none reaches the terminal"; fi
    for n in c1csi bidi marks kept; do
        is "hostile name $n ($loc): its columns line up with dentry's" \
            "$(pane | grep "^$n" | LC_ALL=$loc wc -L)" "$(pane | grep '^dentry' | LC_ALL=$loc wc -L)"
    done
    keys q
    ended 0 "hostile name ($loc)"
done

# --- NO_COLOR -------------------------------------------------------------
XENV=NO_COLOR=1 start 80 24 --root "$FIX/debian61-root" -d 0.2
see "NO_COLOR: running" '\[2 Modules\]'
keys 3
see "NO_COLOR: the nodes tab" '\[3 Nodes\]'
if T capture-pane -e -p -t "$S" | grep -q "$(printf '\033')\[[0-9;]*[34][0-7]m"; then nok "NO_COLOR=1: no colours" "$(T capture-pane -e -p -t "$S" | cat -v | head -5)"; else ok "NO_COLOR=1: no colours"; fi
# without colours the selection is reverse video, a warning state only bold: told apart
keys Down Down
sleep 0.3
sel=$(T capture-pane -e -p -t "$S" | grep -n "DMA32" | head -1)
case "$sel" in
*"$(printf '\033')[1;7m"* | *"$(printf '\033')[7m"* | *"$(printf '\033')[7;1m"*) ok "NO_COLOR=1: the selected row is in reverse video" ;;
*) nok "NO_COLOR=1: the selected row is in reverse video" "$(printf '%s\n' "$sel" | cat -v)" ;;
esac
keys q
ended 0 "NO_COLOR"

# --- signals, Ctrl-C, F10 ------------------------------------------------
for sig in TERM HUP; do
    start 80 24 --root "$FIX/debian61-root" -d 0.2
    see "SIG$sig: running" '\[2 Modules\]'
    poll running
    kill -$sig "$(kmpid)"
    [ $sig = TERM ] && ended 143 "SIGTERM" || ended 129 "SIGHUP"
done
# every signal whose default ends the process: the terminal restored from its handler,
# then the signal ends kmemtop as it would have (status 128+N; no core file: ulimit -c 0)
for sig in QUIT:3 SEGV:11 ABRT:6 BUS:7 FPE:8 ILL:4 USR1:10; do
    name=${sig%:*}
    start 80 24 --root "$FIX/debian61-root" -d 0.2
    see "SIG$name: running" '\[2 Modules\]'
    poll running
    kill -"$name" "$(kmpid)"
    want=$((128 + ${sig#*:}))
    # a sanitizer build: its SEGV/BUS/FPE handler runs after the terminal is put back,
    # reports and exits 1
    poll has '^EXITED rc='
    if grep -q 'Sanitizer' "$TMP/stderr"; then want=1; : >"$TMP/stderr"; fi
    ended "$want" "SIG$name"
done
start 80 24 --root "$FIX/debian61-root" -d 0.2
see "Ctrl-C: running" '\[2 Modules\]'
keys C-c
ended 0 "Ctrl-C"
start 80 24 --root "$FIX/debian61-root" --view buddy -d 0.2
see "--view buddy opens the Buddy tab" '\[4 Buddy\]'
keys +
see "+ selects the next order on the buddy view" 'Fragmentation for order 4'
keys - -
see "- the one below" 'Fragmentation for order 2'
keys F10
ended 0 "F10"

# --- keys do not wait for the next sample ---------------------------------
start 80 24 --root "$FIX/debian61-root" -d 1000
see "a long delay: running" '\[2 Modules\]'
keys 5
see "a long delay: the tab changes at once, with its table" '^NAME.*FOOTPRINT'
keys Z
see "a long delay: Z at once" 'PAUSED'
keys q
ended 0 "a long delay"

# --- a fatal error: the tree to show next has gone ------------------------
cp -rL "$FIX/series-debian61" "$TMP/series"
start 80 24 --root "$TMP/series" -d 1000
see "fatal error: running" '\[2 Modules\]'
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
see "2.6 kernel: the screen comes up" '\[2 Modules\]'
keys q
ended 0 "2.6 kernel"
start 80 24 --root "$FIX/debian61-root" -d 0.2
see "colours: running" '\[2 Modules\]'
if T capture-pane -e -p -t "$S" | grep -q "$(printf '\033')\[[0-9;]*4[0-7]m"; then ok "colours by default"; else nok "colours by default"; fi
keys 3
see "colours: the nodes tab" '\[3 Nodes\]'
esc=$(printf '\033')
if T capture-pane -e -p -t "$S" | grep '^  DMA32' | grep -q "${esc}\[[0-9;]*32m *ok"; then ok "a zone's ok state is green"
else nok "a zone's ok state is green" "$(T capture-pane -e -p -t "$S" | grep '^  DMA32' | cat -v)"; fi
keys 4
see "unicode: the buddy tab" '\[4 Buddy\]'
see "unicode: per-order bars in block elements" "^0/DMA32 .*$(printf '\342\226')"
keys q
ended 0 "colours"
start 80 24 --root "$FIX/debian61-root" -d 0.2 -C
see "-C: running" '\[2 Modules\]'
if T capture-pane -e -p -t "$S" | grep -q "$(printf '\033')\[[0-9;]*[34][0-7]m"; then nok "-C: no colours" "$(T capture-pane -e -p -t "$S" | cat -v | head -5)"; else ok "-C: no colours"; fi
keys q
ended 0 "-C"
LCV=LC_ALL=C start 80 24 --root "$FIX/debian61-root" -d 0.2
see "ASCII locale: an ASCII sort arrow" '^MODULE.* v[A-Z]'
see "ASCII locale: the totals under a rule of -" '^-{60}'
if pane | LC_ALL=C grep -q '[^ -~]'; then nok "ASCII locale: nothing but ASCII" "$(pane | head -5)"; else ok "ASCII locale: nothing but ASCII"; fi
keys 4
see "ASCII locale: the buddy tab" '\[4 Buddy\]'
if pane | LC_ALL=C grep -q '[^ -~]'; then nok "ASCII locale: ASCII bars" "$(pane | head -12)"; else ok "ASCII locale: ASCII bars"; fi
keys q
ended 0 "ASCII"
# --- the modules' pinned rows stay at the table's foot, under a rule -------
# (rule_then_total: the line above the totals row is a rule, and the one above that a module)
rule_then_total() { pane | grep -B2 '^(total' | awk 'NR == 1 && /^[a-z]/ { a = 1 } NR == 2 && /^(─|-)+$/ { b = 1 } END { exit !(a && b) }'; }
pinned_foot() { if poll rule_then_total; then ok "$1"; else nok "$1" "$(pane)"; fi; }
start 120 40 --root "$FIX/debian61-root" -d 0.2
see "44 modules on 40 lines: the totals row is on the first page" '^\(total: 44 '
pinned_foot "the totals row right under a rule, under the rows"
if pane | grep -q '^(unattributed)'; then nok "every image area matched: no (unattributed) row"; else ok "every image area matched: no (unattributed) row"; fi
keys End
see "End: the last row" '(^| )45/45 '
pinned_foot "End: the totals row still under the rule"
keys Home Enter
see "Enter on the first row: its details" '^Modules: '
keys Escape End Enter
see "Enter on the totals row: not a module, no 'no module' warning" 'added up \(not a module\)'
keys Escape '\' z z z q Enter
see "a filter that matches no module says so" 'No row matches the filter "zzzq"'
see "and the totals stay, for all modules" 'adds up all 44 modules, not only those the filter shows'
keys q
ended 0 "pinned rows"
start 160 30 --root "$FIX/mtk-armv7-3.4" -d 0.2
see "mtk: (unattributed) under the rows" '^\(unattributed\) '
see "mtk: says what it is" '^\(unattributed\): 16 module-image areas'
keys q
ended 0 "unattributed"
if [ -s "$TMP/stderr" ]; then nok "nothing on stderr" "$(cat "$TMP/stderr")"; else ok "nothing on stderr"; fi
# --- after a sort the largest rows are on screen (not the old scroll offset) ----
start 100 24 --root "$FIX/debian61-root" --view slabs -d 5 -s c
see "slabs sorted by cache size" '\[5 Slabs\]'
first=$(table_names NAME | cut -d' ' -f1)
keys n End
see "by name, at the end" 'zs_handle|xfs|vm_area|uid'
keys c
sleep 0.3
is "n, End, then c: the largest cache is the first row shown" "$(table_names NAME | cut -d' ' -f1)" "$first"
keys n Down Down c
sleep 0.3
is "a selection among the first rows: still the first row shown is the largest" \
    "$(table_names NAME | cut -d' ' -f1)" "$first"
keys r
sleep 0.3
keys r
sleep 0.3
is "r twice: back to the largest first, on screen" "$(table_names NAME | cut -d' ' -f1)" "$first"
keys q
ended 0 "sort and scroll"

# --- the first tab with data: no empty Modules tab on a kernel without modules ----
KM_DEFAULT_TAB=1 start 100 24 --root "$FIX/centos9-5.14" -d 5
KM_DEFAULT_TAB=
see "no /proc/modules: starts on the first tab that has data (the Overview)" '\[1 Overview\]'
keys q
ended 0 "no modules: first tab with data"
# no meminfo (2.6.16): no Overview to show, so the first tab with data is Modules
KM_DEFAULT_TAB=1 start 100 24 --root "$FIX/sep4020-2.6" -d 5
KM_DEFAULT_TAB=
see "no /proc/meminfo: starts on the first tab that has data (Modules)" '\[2 Modules\]'
keys q
ended 0 "no meminfo: first tab with data"
start 100 24 --root "$FIX/centos9-5.14" --view modules -d 5
see "--view modules: the Modules tab all the same, saying why it is empty" '\[2 Modules\]'
keys q
ended 0 "no modules: --view modules"

# --- terminals that cannot draw a screen: refused with the way out (-b) ----
# script(1) passes its empty stdin's EOF to the pty: the echo ^D may come first
for t in dumb unset; do
    if [ "$t" = unset ]; then
        out=$(env -u TERM timeout 10 script -qec "'$KMEMTOP' --root '$FIX/debian61-root'" /dev/null </dev/null 2>&1 | tr -d '\r' | sed 's/^\^D//')
    else
        out=$(TERM=$t timeout 10 script -qec "'$KMEMTOP' --root '$FIX/debian61-root'" /dev/null </dev/null 2>&1 | tr -d '\r' | sed 's/^\^D//')
    fi
    is "TERM $t: refused in one line that says -b works" "$out" \
        "kmemtop: cannot drive this terminal (TERM=$([ "$t" = unset ] || echo "$t")); -b prints text frames"
done
done_testing
