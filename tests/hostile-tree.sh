#!/bin/sh
# A stranger's tree shown by root: a second user (made here) plants FIFOs, links out of the
# tree (absolute, relative, to devices), a 2 GiB file and 8000 slab alias links in a copy of
# a capture; root runs kmemtop --root on it. Nothing may block, nothing outside the tree may
# be read (a root-only secret must never appear), memory stays bounded, and each refused
# file is named in its source's reason. Then the same as nobody.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "1..0 # SKIP needs root: a second user plants the tree and root views it"
    exit 0
fi
ATK=kmhost$$ # one per run: parallel runs never share (or delete) each other's user
useradd -M -r -s /bin/false "$ATK" 2>"$TMP/useradd" || { echo "Bail out! useradd: $(cat "$TMP/useradd")"; exit 1; }
trap 'userdel "$ATK" 2>/dev/null; rm -rf "$TMP"' EXIT
as_atk() { setpriv --reuid="$ATK" --regid="$ATK" --clear-groups -- "$@"; }
# atk_copy DIR FILE...: copies of the fixtures in DIR, all owned by the attacker and writable.
# Root copies them: the attacker may not be able to read the source tree (a checkout in
# /root, which is 0700, as in a fresh chroot), and need not for the attack.
atk_copy() {
    _to=$1; shift
    cp -R "$@" "$_to/" && chown -hR "$ATK" "$_to" &&
        as_atk chmod -R u+w "$_to" # a read-only source tree (make distcheck) gives read-only copies
}

# the victim: a root-only secret outside the tree
SECRET="$TMP/secret"
echo "KMSECRET-$$-do-not-show" >"$SECRET"
chmod 600 "$SECRET"

# the attacker's tree: a copy of a real capture, owned by the attacker
E="$TMP/evil"
mkdir "$E"
atk_copy "$E" "$FIX/debian61-root/proc" "$FIX/debian61-root/sys" || { echo "Bail out! could not copy the fixture"; exit 1; }
as_atk sh -e -c '
    cd "$1/proc"
    rm -f zoneinfo buddyinfo vmallocinfo version meminfo sys/kernel/osrelease modules
    mkfifo zoneinfo                                   # blocks open() forever, as root too
    ln -s /dev/kmsg buddyinfo                          # blocks read()
    ln -s /dev/zero vmallocinfo                        # 2 GiB per read, kept forever
    ln -s "$2" sys/kernel/osrelease                    # the secret in the header
    ln -s ../../../../../../../../../../../"$2" version  # the same, climbing out
    ln -s "$2" meminfo                                  # read by libproc2
    truncate -s 2G modules                              # a regular file no kernel writes
' sh "$E" "$SECRET" || { echo "Bail out! could not plant the tree"; exit 1; }

# run NAME ARGS: kmemtop -o on the tree within 30 s; output in $TMP/out, $TMP/err
run() {
    _name=$1; shift
    start=$(date +%s)
    timeout 30 "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    took=$(( $(date +%s) - start ))
    if [ $rc -ne 124 ] && [ $took -lt 20 ]; then ok "$_name: ends by itself (exit $rc, $took s)"
    else nok "$_name: still running after ${took}s (exit $rc)" "$(tail -5 "$TMP/err")"; fi
}
no_secret() {
    if grep -q KMSECRET "$TMP/out" "$TMP/err"; then nok "$1: the secret outside the tree is not shown" "$(grep KMSECRET "$TMP/out" "$TMP/err" | head -3)"
    else ok "$1: the secret outside the tree is not shown"; fi
}
reason() { jq -r ".sources.$1 | .status + \" | \" + (.reason // \"\")" "$TMP/out"; }

for who in root nobody; do
    if [ $who = root ]; then pre=""; else pre="setpriv --reuid=nobody --regid=nogroup --clear-groups --"; chmod 755 "$TMP"; fi
    run "$who, all views as JSON" $pre "$KMEMTOP" --root "$E" -o --format json
    no_secret "$who, JSON"
    contains "$who: a FIFO (zoneinfo) is refused, not waited on" "$(reason zoneinfo)" \
        '^error \| /proc/zoneinfo: not a regular file'
    contains "$who: a link to /dev/kmsg (buddyinfo) is not followed" "$(reason buddyinfo)" \
        '^error \| /proc/buddyinfo: a symbolic link .* leads out of the tree'
    contains "$who: a link to /dev/zero (vmallocinfo) is not followed" "$(reason vmallocinfo)" \
        '^error \| /proc/vmallocinfo: a symbolic link .* leads out of the tree'
    contains "$who: a 2 GiB modules file is refused as larger than any kernel writes" "$(reason modules)" \
        '^error \| /proc/modules: larger than any kernel writes'
    contains "$who: libproc2's meminfo behind a link out is refused before libproc2 opens it" \
        "$(reason meminfo)" '^error \| /proc/meminfo: a symbolic link .* leads out of the tree'
    is "$who: the kernel release (behind a link to the secret) is unknown" "$(jq -r .kernel "$TMP/out")" unknown
    run "$who, all views as text" $pre "$KMEMTOP" --root "$E" -o
    no_secret "$who, text"
    contains "$who: text names the refused zoneinfo" "$(cat "$TMP/out")" '/proc/zoneinfo: not a regular file'
done

# the screen on the same tree: it draws, names the FIFO, and q ends it (a FIFO used to hang
# open() before the first frame, with q unread)
if command -v tmux >/dev/null 2>&1; then
    SOCK="kmh$$"
    tmux -L "$SOCK" new-session -d -s h -x 120 -y 30 "sh -c '\"$KMEMTOP\" --root \"$E\" -d 0.5; echo EXITED rc=\$?; sleep 30'"
    seen=0; i=0
    while [ $i -lt 50 ]; do
        tmux -L "$SOCK" capture-pane -p -t h >"$TMP/pane" 2>/dev/null
        grep -q 'Modules' "$TMP/pane" && { seen=1; break; }
        sleep 0.1; i=$((i + 1))
    done
    is "screen: the first frame is drawn on the hostile tree" $seen 1
    tmux -L "$SOCK" send-keys -t h 3
    sleep 0.5
    tmux -L "$SOCK" capture-pane -p -t h >"$TMP/pane" 2>/dev/null
    contains "screen: the Nodes tab names the refused FIFO" "$(cat "$TMP/pane")" 'zoneinfo: not a regular file'
    tmux -L "$SOCK" send-keys -t h q
    ended=0; i=0
    while [ $i -lt 30 ]; do
        tmux -L "$SOCK" capture-pane -p -t h 2>/dev/null | grep -q 'EXITED rc=0' && { ended=1; break; }
        sleep 0.1; i=$((i + 1))
    done
    is "screen: q ends it" $ended 1
    tmux -L "$SOCK" kill-server 2>/dev/null
else
    nok "tmux is needed for the screen check (apt-get install tmux)"
fi

# a series whose entry is the attacker's link to / (the live system), and --root / itself:
# never shown as a capture
S="$TMP/series"; mkdir "$S"; chown "$ATK" "$S"
as_atk ln -s / "$S/0001"
"$KMEMTOP" --root "$S" -o >"$TMP/out" 2>"$TMP/err"; rc=$?
contains "a series entry linking to / (another owner's target) is not followed" "rc=$rc $(cat "$TMP/err")" \
    'rc=1 .*no proc/ or sys/ here, and no subdirectories holding captured trees'
"$KMEMTOP" --root / -o >"$TMP/out" 2>"$TMP/err"; rc=$?
contains "--root /: the running kernel's /proc is refused as a capture" "rc=$rc $(cat "$TMP/err")" \
    "rc=1 .*proc/ is a running kernel's /proc"
# a name with an escape sequence in an error on stderr comes out replaced
as_atk sh -c 'mkdir "$1/0002$(printf "\033")[2Jx" && ln -s / "$1/0002$(printf "\033")[2Jx/proc"' sh "$S"
"$KMEMTOP" --root "$S" -o >"$TMP/out" 2>"$TMP/err"
if grep -q "$(printf '\033')" "$TMP/err"; then nok "an escape sequence in a tree's name never reaches stderr" "$(cat -v "$TMP/err")"
else ok "an escape sequence in a tree's name never reaches stderr"; fi
# an osrelease with a newline cannot inject keys into the record of a capture made from the tree
K="$TMP/krel"; mkdir "$K"
atk_copy "$K" "$FIX/debian61-root/proc"
as_atk sh -c 'printf "6.1.0\ncomplete=1\ntime=99\npage_size=65536\n" >"$1/proc/sys/kernel/osrelease"' sh "$K"
"$KMEMTOP" --root "$K" --capture "$TMP/krel-cap" >/dev/null 2>&1
is "an injected osrelease: the capture's record has one kernel= line and no planted key" \
    "$(grep -c '^time=99$\|^page_size=65536$' "$TMP/krel-cap/kmemtop-capture")" 0
# a zoneinfo within the cap but of a million nodes: bounded work (was minutes a frame)
Z="$TMP/zi"; mkdir -p "$Z/proc"
i=0; while [ $i -lt 20000 ]; do printf 'Node %d, zone   Normal\n  pages free     100\n        min      1\n' $i; i=$((i + 1)); done >"$Z/proc/zoneinfo"
start=$(date +%s)
timeout 30 "$KMEMTOP" --root "$Z" -o --view nodes >"$TMP/out" 2>&1; rc=$?
took=$(( $(date +%s) - start ))
if [ $rc = 0 ] && [ $took -lt 10 ] && grep -q "beyond any kernel's 1024 nodes" "$TMP/out"; then ok "20000 nodes in zoneinfo: nodes past 1024 refused, frame in ${took} s"
else nok "20000 nodes in zoneinfo: bounded" "rc=$rc took=${took}s $(head -8 "$TMP/out")"; fi

# memory: the 2 GiB file and /dev/zero cost at most the cap, not their size
if busybox time -v true >/dev/null 2>&1; then
    busybox time -v "$KMEMTOP" --root "$E" -o --view modules >/dev/null 2>"$TMP/time"
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$TMP/time")
    if [ -n "$rss" ] && [ "$rss" -lt 300000 ]; then ok "peak RSS with a 2 GiB file in the tree: ${rss} KiB (< 300 MB)"
    else nok "peak RSS with a 2 GiB file in the tree: ${rss:-?} KiB" "$(tail -5 "$TMP/time")"; fi
else
    nok "busybox time -v is needed to measure peak RSS (apt-get install busybox)"
fi

# 8000 slab alias links into one cache directory: linear memory and time, names bounded
A="$TMP/aliases"
mkdir -p "$A/sys/kernel/slab"
atk_copy "$A" "$FIX/debian61-root/proc"
as_atk sh -c '
    cd "$1/sys/kernel/slab" && mkdir :0000064 && echo 0 >:0000064/reclaim_account && echo 8000 >:0000064/aliases
    i=0; while [ $i -lt 8000 ]; do ln -s :0000064 "alias-$i"; i=$((i + 1)); done
    # slabinfo lists every alias as a cache of its own: each would get 7999 names
    cd "$1/proc" && { head -2 slabinfo; i=0; while [ $i -lt 8000 ]; do
        echo "alias-$i 64 64 64 64 1 : tunables 0 0 0 : slabdata 1 1 0"; i=$((i + 1)); done; } >s && mv s slabinfo
' sh "$A"
start=$(date +%s)
busybox time -v "$KMEMTOP" --root "$A" -o --view slabs --format json >"$TMP/out" 2>"$TMP/time"
took=$(( $(date +%s) - start ))
rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$TMP/time")
is "8000 aliases: the slab view reads" "$(jq -r .sources.slabinfo.status "$TMP/out")" ok
is "8000 aliases: every cache is listed" "$(jq '.slabs.rows | length' "$TMP/out")" 8000
is "8000 aliases: each cache keeps at most 64 alias names" "$(jq '[.slabs.rows[].aliases | length] | max' "$TMP/out")" 64
if [ -n "$rss" ] && [ "$rss" -lt 600000 ] && [ $took -lt 20 ]; then ok "8000 aliases: ${rss} KiB peak, ${took} s (was 20 GB, 47 s)"
else nok "8000 aliases: ${rss:-?} KiB peak, ${took} s (want < 600 MB, < 20 s; ASan included)" "$(tail -5 "$TMP/time")"; fi

done_testing
