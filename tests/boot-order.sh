#!/bin/sh
# boot-order.sh - a --root series across reboots: trees without recorded times are ordered by
# boot (proc/sys/kernel/random/boot_id), then uptime, boots kept apart; the first frame of a
# new boot says so (a text line, JSON boot_id and new_boot) and has no rates, with or without
# recorded times, live from the trees or replayed from a -w recording; a malformed or hostile
# boot_id is said ("FILE: line 1: ...") and not used; trees without one keep the name order.
. "$(dirname "$0")/lib.sh"
B1=11111111-1111-4111-8111-111111111111
B2=22222222-2222-4222-8222-aaaaaaaaaaaa
# tree DIR FIXTURE BOOT UPTIME [TIME]: the fixture's proc/ with that boot id and uptime
tree() {
    mkdir -p "$1"
    cp -a "$FIX/$2/proc" "$1/"
    mkdir -p "$1/proc/sys/kernel/random"
    [ -n "$3" ] && printf '%s\n' "$3" >"$1/proc/sys/kernel/random/boot_id"
    printf '%s 1.00\n' "$4" >"$1/proc/uptime"
    [ -z "$5" ] || printf 'time=%s\n' "$5" >"$1/kmemtop-capture"
}
names() { jq -r '.root | sub(".*/"; "")' | tr '\n' ' '; }
boots() { jq -r '"\(.root | sub(".*/"; "")):\(.new_boot // false):\(.interval)"' | tr '\n' ' '; }
# the rates of a frame that has none: every overview row's rate null
norates() { jq -e '[.overview.rows[].rate] | all(. == null)' >/dev/null; }

# ---- no recorded times: boot, then uptime; the boots in the order of their earliest name
tree "$TMP/s/a" debian61-root $B1 50
tree "$TMP/s/b" debian61-root2 $B2 200
tree "$TMP/s/c" debian61-root2 $B2 100
tree "$TMP/s/d" debian61-root $B1 10
"$KMEMTOP" --root "$TMP/s" -b --format json --view overview >"$TMP/s.json" 2>"$TMP/s.err"
is "no times: one boot's trees by uptime, then the next boot's (d a | c b), not name order" \
    "$(names <"$TMP/s.json")" "d a c b "
is "the first frame of the second boot says new_boot and has no interval; the others are over uptimes" \
    "$(boots <"$TMP/s.json")" "d:false:null a:false:40 c:true:null b:false:100 "
is "every frame says its boot id" "$(jq -r .boot_id <"$TMP/s.json" | tr '\n' ' ')" "$B1 $B1 $B2 $B2 "
if sed -n 3p "$TMP/s.json" | norates && sed -n 4p "$TMP/s.json" | jq -e '[.overview.rows[].rate] | any(. != null)' >/dev/null; then
    ok "no rates across the boot change, rates again after it"
else
    nok "no rates across the boot change" "$(sed -n 3p "$TMP/s.json" | jq -c '[.overview.rows[].rate]')"
fi
is "nothing said on stderr" "$(cat "$TMP/s.err")" ""
"$KMEMTOP" --root "$TMP/s" -b --view overview >"$TMP/s.txt" 2>&1
is "batch text: one line before the first frame of the new boot" \
    "$(grep -n -A1 '^-- new boot' "$TMP/s.txt" | sed 's/^[0-9]*[:-]//; s/ - up.*tree .*\// /; s/ ([^)]*own parsers)//; s/ - page.*//')" \
    "-- new boot $B2: the kernel was restarted; counters start again, no rates across it --
kmemtop - 6.1.0-56-amd64 c"

# a boot's earliest recorded time orders the boots when each boot has one
printf 'time=1764633600\n' >"$TMP/s/c/kmemtop-capture"
printf 'time=1764640000\n' >"$TMP/s/a/kmemtop-capture"
is "not every tree timed: boots by their earliest recorded time (c b | d a)" \
    "$("$KMEMTOP" --root "$TMP/s" -b --format json --view overview 2>/dev/null | names)" "c b d a "
rm "$TMP/s/c/kmemtop-capture" "$TMP/s/a/kmemtop-capture"

# ---- recorded times, a reboot between two trees whose uptimes do not go back
tree "$TMP/t/1" debian61-root $B1 10 1764633600
tree "$TMP/t/2" debian61-root $B1 20 1764633610
tree "$TMP/t/3" debian61-root2 $B2 500 1764633620
tree "$TMP/t/4" debian61-root2 $B2 510 1764633630
"$KMEMTOP" --root "$TMP/t" -b --format json --view overview >"$TMP/t.json" 2>&1
is "recorded times: the reboot is said, no rates across it" "$(boots <"$TMP/t.json")" \
    "1:false:null 2:false:10 3:true:null 4:false:10 "
if sed -n 3p "$TMP/t.json" | norates; then ok "recorded times: the new boot's first frame has no rates"
else nok "recorded times: the new boot's first frame has no rates" "$(sed -n 3p "$TMP/t.json" | jq -c '[.overview.rows[].rate]' | cut -c1-200)"; fi

# ---- a -w recording of that series keeps the boot ids: replay says the same
"$KMEMTOP" -w "$TMP/t.kmr" --root "$TMP/t" --view overview >/dev/null 2>&1
"$KMEMTOP" -r "$TMP/t.kmr" -b --format json --view overview >"$TMP/r.json" 2>"$TMP/r.err"
is "replay of the recording: the same boots and intervals" \
    "$(jq -r '"\(.new_boot // false):\(.interval):\(.boot_id)"' <"$TMP/r.json" | tr '\n' ' ')" \
    "false:null:$B1 false:10:$B1 true:null:$B2 false:10:$B2 "
is "replay: no error" "$(cat "$TMP/r.err")" ""
contains "replay in text: the boot change said" \
    "$("$KMEMTOP" -r "$TMP/t.kmr" -b --view overview 2>&1 | grep -c '^-- new boot')" '^1$'

# ---- trees without a boot id: name order, as before, and no boot fields
tree "$TMP/o/a" debian61-root "" 50
tree "$TMP/o/b" debian61-root "" 10
"$KMEMTOP" --root "$TMP/o" -b --format json --view overview >"$TMP/o.json" 2>&1
is "no boot ids, no times: name order" "$(names <"$TMP/o.json")" "a b "
is "no boot ids: no boot_id or new_boot field" "$(jq -c '[.boot_id, .new_boot, .boot_id_warning]' <"$TMP/o.json" | sort -u)" \
    "[null,null,null]"

# ---- malformed and hostile boot ids: said (file, line 1), not used; the read is bounded
tree "$TMP/m/1" debian61-root $B1 100
tree "$TMP/m/2" debian61-root "not-a-boot-id" 50
tree "$TMP/m/3" debian61-root $B1 10
"$KMEMTOP" --root "$TMP/m" -b --format json --view overview >"$TMP/m.json" 2>&1
is "a malformed boot id: the series keeps its name order" "$(names <"$TMP/m.json")" "1 2 3 "
is "a malformed boot id is said, naming the file and line 1" "$(sed -n 2p "$TMP/m.json" | jq -r .boot_id_warning)" \
    '/proc/sys/kernel/random/boot_id: line 1: not a boot id (8-4-4-4-12 hex digits): not 36 characters: "not-a-boot-id"'
contains "the text frame says it too" "$("$KMEMTOP" --root "$TMP/m/2" -b --view overview 2>&1)" \
    'boot_id: line 1: not a boot id .*boot changes cannot be told'
head -c 1048576 /dev/zero | tr '\0' 'f' >"$TMP/m/2/proc/sys/kernel/random/boot_id"
contains "a 1 MiB boot id: read bounded, refused" \
    "$("$KMEMTOP" --root "$TMP/m/2" -b --format json --view overview 2>&1 | jq -r .boot_id_warning)" \
    'line 1: not a boot id.*not 36 characters: "f{40}\.\.\."'
rm "$TMP/m/2/proc/sys/kernel/random/boot_id"
ln -s /proc/sys/kernel/random/boot_id "$TMP/m/2/proc/sys/kernel/random/boot_id"
out=$("$KMEMTOP" --root "$TMP/m/2" -b --format json --view overview 2>&1)
is "a boot id that is a link out of the tree: not followed, said" \
    "$(printf '%s\n' "$out" | jq -c '[.boot_id, (.boot_id_warning | test("^/proc/sys/kernel/random/boot_id: "))]')" '[null,true]'
rm "$TMP/m/2/proc/sys/kernel/random/boot_id"
mkfifo "$TMP/m/2/proc/sys/kernel/random/boot_id"
out=$(timeout 20 "$KMEMTOP" --root "$TMP/m/2" -b --format json --view overview 2>&1)
is "a boot id that is a FIFO: not waited on, said" \
    "$(printf '%s\n' "$out" | jq -c '[.boot_id, (.boot_id_warning | test("^/proc/sys/kernel/random/boot_id: "))]')" '[null,true]'

# ---- the screen: NEW BOOT on the replay time line and on a series' status line
. "$KM_SRCDIR/tests/tmux.sh"
if km_tmux bootorder; then
    T new-session -d -s km -x 120 -y 24 "$KMEMTOP -r '$TMP/t.kmr' --view overview"
    see "-r: the first tick, paused" 'tick 1/4 2025-12-02 00:00:00 PAUSED'
    keys t
    see "t: tick 2, ten seconds after tick 1" 'tick 2/4 2025-12-02 00:00:10 \+10s PAUSED'
    keys t
    see "t: tick 3, the new boot's first, said instead of an interval" 'tick 3/4 2025-12-02 00:00:20 NEW BOOT PAUSED'
    keys t
    see "t: tick 4, an interval again" 'tick 4/4 2025-12-02 00:00:30 \+10s end PAUSED'
    keys q
    T new-session -d -s s -x 120 -y 24 "$KMEMTOP --root '$TMP/s' -d 1 --view overview"
    S=s
    see "a series without times: its third tree says NEW BOOT" 'tree 3/4 NEW BOOT'
    keys q
else
    ok "# SKIP tmux not installed"
fi

done_testing
