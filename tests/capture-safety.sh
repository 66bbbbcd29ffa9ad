#!/bin/sh
# capture-safety.sh - kmemtop --capture and tests/kmemtop-capture.sh run by root into a
# directory a second user owns and has planted links in: nothing outside DIR is created,
# truncated, unlinked or replaced (checksums and inodes of the victim files, a listing of
# everything around DIR); kmemtop refuses with a clear error or writes a safe tree. Then
# modes (root-only files stay root-only, directories 0700), the non-empty refusal, --force
# replacing a series whole, and a full disk giving an incomplete tree that --root shows.
. "$(dirname "$0")/lib.sh"
SCRIPT=$KM_SRCDIR/tests/kmemtop-capture.sh
ATK=kmcap$$ # per run: other tests (and a parallel make check) create their own attackers
made_user=no
cleanup() {
    [ "$made_user" = yes ] && userdel "$ATK" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

root=no
[ "$(id -u)" = 0 ] && root=yes
# the script also under busybox sh and applets, as a board runs it
bb=$(command -v busybox)
BB=
if [ -n "$bb" ]; then
    mkdir "$TMP/bb"
    for a in $("$bb" --list); do ln -s "$bb" "$TMP/bb/$a"; done
    BB=bb
fi

# the two capturers, same arguments (DIR first): kmemtop and the script (-f for --force)
cap_km() {
    d=$1
    shift
    "$KMEMTOP" --capture "$d" "$@"
}
cap_sh() {
    d=$1
    shift
    a=
    for x; do
        case $x in --force) a="$a -f" ;; *) a="$a $x" ;; esac
    done
    # shellcheck disable=SC2086 # options without spaces
    ${SCRIPT_SH:-sh} "$SCRIPT" $a "$d"
}
cap_bb() { (PATH="$TMP/bb:$PATH" && SCRIPT_SH="$bb sh" && cap_sh "$@"); }

# --- as root against a second user -------------------------------------------------------
if [ "$root" = yes ] && ! id "$ATK" >/dev/null 2>&1; then
    useradd -M -r -s /usr/sbin/nologin "$ATK" 2>"$TMP/useradd.err" && made_user=yes
fi
if [ "$root" != yes ]; then
    ok "# SKIP planted links as a second user: not root (cannot create a user or capture as root)"
elif ! id "$ATK" >/dev/null 2>&1 || ! command -v setpriv >/dev/null; then
    nok "planted links as a second user: cannot create user $ATK or no setpriv" "$(cat "$TMP/useradd.err" 2>/dev/null)"
else
    atk() { (cd / && setpriv --reuid="$ATK" --regid="$(id -g "$ATK")" --clear-groups "$@"); }
    SB=$TMP/sb
    mkdir -p "$SB/victim/sub" "$SB/atk"
    printf 'root secret\n' >"$SB/victim/secret"
    chmod 600 "$SB/victim/secret"
    alias=$(ls /sys/kernel/slab 2>/dev/null | head -1)
    [ -n "$alias" ] && printf 'root file named like a slab cache\n' >"$SB/victim/$alias"
    printf 'x\n' >"$SB/victim/sub/meminfo"
    chown "$ATK" "$SB/atk"
    # everything but the attacker's directory: inode, mode, owner, size, type, link, checksum
    snap() {
        (cd "$SB" && find . -path ./atk -prune -o -printf '%i %m %u %s %y %p %l\n' | sort &&
            find . -path ./atk -prune -o -type f -print | sort | xargs sha256sum)
    }
    snap >"$TMP/before"
    # case NAME SETUP...: the attacker runs SETUP (sh -c) in its directory $SB/atk, with D=case dir
    plant() { atk sh -c "D=$SB/atk/$1; T=$SB; $2"; }
    # attack WHO NAME SETUP WANT: WHO captures into the planted DIR; WANT "refuse" or "safe"
    attack() {
        who=$1 name=$2 setup=$3 want=$4 force=${5:-}
        [ "$want" = safe ] && force=--force
        plant "$who-$name" "$setup"
        "cap_$who" "$SB/atk/$who-$name" $force >"$TMP/out" 2>"$TMP/err"
        rc=$?
        if [ "$want" = refuse ]; then
            if [ "$rc" = 1 ] && grep -Eq "exists and is not empty|is a symbolic link|owned by uid|writable by others|no kmemtop capture" "$TMP/err"; then
                ok "$who, $name: refused with a clear error"
            else
                nok "$who, $name: refused with a clear error" "rc=$rc $(cat "$TMP/err" "$TMP/out")"
            fi
        else
            d=$SB/atk/$who-$name
            if [ "$rc" = 0 ] && [ ! -L "$d/proc" ] && [ "$(stat -c %U:%a "$d/proc")" = root:700 ] &&
                [ -z "$(find "$d" -mindepth 1 -maxdepth 1 -type l)" ] && [ -s "$d/proc/meminfo" ]; then
                ok "$who, $name: replaced by a safe tree (root's, 0700, no planted link left)"
            else
                nok "$who, $name: replaced by a safe tree" "rc=$rc $(cat "$TMP/err"; ls -la "$d")"
            fi
        fi
        snap >"$TMP/after"
        if cmp -s "$TMP/before" "$TMP/after"; then
            ok "$who, $name: nothing outside DIR created or changed"
        else
            nok "$who, $name: nothing outside DIR created or changed" "$(diff "$TMP/before" "$TMP/after")"
        fi
    }
    for who in km sh $BB; do
        attack $who proc-dir 'mkdir $D && ln -s $T/victim $D/proc' refuse
        attack $who proc-file 'mkdir -p $D/proc && ln -s $T/victim/secret $D/proc/zoneinfo' refuse
        attack $who dangling 'mkdir $D && ln -s ../../nowhere/x $D/proc' refuse
        attack $who slab-dir 'mkdir -p $D/sys/kernel && ln -s $T/victim $D/sys/kernel/slab' refuse
        attack $who dir-link 'ln -s $T/victim $D' refuse
        [ $who = bb ] && continue # full captures: km and sh only (the suite's time)
        # the script works by path, so it refuses a DIR another user can change (names could be
        # swapped for links between two of its commands); kmemtop works from descriptors
        want=safe
        [ $who = km ] || want=refuse
        attack $who force-record \
            'mkdir $D && : >$D/kmemtop-capture && ln -s $T/victim $D/proc && ln -s $T/victim $D/sys' $want
        # a record dropped into a directory among other files does not make it a capture
        attack $who force-stray-record \
            'mkdir $D && : >$D/kmemtop-capture && echo theirs >$D/victim-file && mkdir $D/victimdir' refuse --force
    done
    # an empty DIR of the attacker's: the capture is written, and root-only copies stay root's
    d=$SB/atk/sh-empty
    atk mkdir "$d"
    cap_sh "$d" >/dev/null 2>"$TMP/err"
    rc=$?
    if [ $rc = 1 ] && grep -q "owned by uid" "$TMP/err"; then ok "sh, empty DIR of another user: refused (owned by another user)"
    else nok "sh, empty DIR of another user: refused (owned by another user)" "rc=$rc $(cat "$TMP/err")"; fi
    d=$SB/atk/sh-under/cap
    atk mkdir "$SB/atk/sh-under"
    cap_sh "$d" >/dev/null 2>"$TMP/err"
    rc=$?
    if [ $rc = 1 ] && grep -q "another user could swap names" "$TMP/err"; then ok "sh, a DIR under another user's directory: refused"
    else nok "sh, a DIR under another user's directory: refused" "rc=$rc $(cat "$TMP/err")"; fi
    for who in km; do
        d=$SB/atk/$who-empty
        atk mkdir "$d"
        "cap_$who" "$d" >/dev/null 2>"$TMP/err"
        is "$who, empty DIR of another user: captured" "$?" 0
        if [ -r /proc/vmallocinfo ]; then
            if atk cat "$d/proc/vmallocinfo" >/dev/null 2>&1; then
                nok "$who: the attacker cannot read the captured vmallocinfo"
            else
                ok "$who: the attacker cannot read the captured vmallocinfo"
            fi
        fi
    done
    snap >"$TMP/after"
    check "after every case, the victim files are unchanged" cmp "$TMP/before" "$TMP/after"
fi

# --- modes ---------------------------------------------------------------------------------
for who in km sh $BB; do
    d=$TMP/modes-$who
    (umask 000 && "cap_$who" "$d") >"$TMP/out" 2>&1
    is "$who: capture with umask 000 exits 0" "$?" 0
    for f in proc/vmallocinfo proc/slabinfo proc/pagetypeinfo proc/meminfo proc/zoneinfo; do
        [ -e "/$f" ] && [ -e "$d/$f" ] || continue
        is "$who: $f keeps its mode" "$(stat -c %a "$d/$f")" "$(stat -c %a "/$f")"
    done
    is "$who: every directory of the tree is 0700" \
        "$(find "$d" -mindepth 1 -type d -printf '%m\n' | sort -u)" 700
done
contains "km: says where the tree is and who may read it" "$("$KMEMTOP" --capture "$TMP/saying")" \
    "^captured $TMP/saying \(files keep their kernel modes; the tree is readable by you only\)$"
"$KMEMTOP" --capture "$TMP/m755" --dir-mode 755 >"$TMP/out" 2>&1
is "--dir-mode 755: every directory is 0755" "$(find "$TMP/m755" -mindepth 1 -type d -printf '%m\n' | sort -u)" 755
contains "--dir-mode 755: and it says so" "$(cat "$TMP/out")" "directories are mode 755\)$"
"$KMEMTOP" --capture "$TMP/m644" --dir-mode 644 >/dev/null 2>"$TMP/err"
is "--dir-mode without owner rwx is a usage error" "$?" 2

# set-id and execute bits of a shown tree's files are not copied (a stranger's tree as root)
cp -R "$FIX/this-vm-6.18" "$TMP/suid" && chmod 4755 "$TMP/suid/proc/buddyinfo"
"$KMEMTOP" --root "$TMP/suid" --capture "$TMP/suid-copy" >/dev/null 2>"$TMP/err"
is "--root + --capture: a 4755 file is copied 644" "$(stat -c %a "$TMP/suid-copy/proc/buddyinfo" 2>&1)" 644

# --- non-empty DIR, --force ----------------------------------------------------------------
for who in km sh; do
    mkdir "$TMP/busy-$who" && printf 'keep\n' >"$TMP/busy-$who/notes"
    "cap_$who" "$TMP/busy-$who" >/dev/null 2>"$TMP/err"
    is "$who: a non-empty DIR is refused (exit 1)" "$?" 1
    contains "$who: with a clear error" "$(cat "$TMP/err")" "$TMP/busy-$who: exists and is not empty; use -(-force|f) to replace a previous capture"
    is "$who: and nothing in it changed" "$(ls -A "$TMP/busy-$who"; cat "$TMP/busy-$who/notes")" "notes
keep"
    "cap_$who" "$TMP/busy-$who" --force >/dev/null 2>"$TMP/err"
    is "$who: --force on a DIR without a capture is refused" "$?" 1
    contains "$who: saying why" "$(cat "$TMP/err")" "holds no kmemtop capture"
    is "$who: and nothing in it changed (--force)" "$(ls -A "$TMP/busy-$who")" notes
    # kmemtop: -n 3 over -n 5; the script (slower): -n 2 over -n 3
    s=$TMP/series-$who big=5 small=3 left="0001 0002 0003 "
    [ $who = sh ] && big=3 small=2 left="0001 0002 "
    "cap_$who" "$s" -n $big -d 0.05 >/dev/null 2>&1
    : >"$s/0002/proc/stale"
    "cap_$who" "$s" -n $small -d 0.05 >/dev/null 2>"$TMP/err"
    is "$who: a second series over the first without --force is refused" "$?" 1
    "cap_$who" "$s" --force -n $small -d 0.05 >/dev/null 2>"$TMP/err"
    is "$who: --force -n $small over -n $big exits 0" "$?" 0
    is "$who: and leaves exactly $small trees, no leftovers" "$(ls -A "$s" | tr '\n' ' ')" "$left"
    check "$who: no file of the old series survives" test ! -e "$s/0002/proc/stale"
    is "$who: each new tree is complete" "$(cat "$s"/000?/kmemtop-capture | grep -c '^complete=1$')" $small
    "cap_$who" "$s" --force >/dev/null 2>"$TMP/err"
    is "$who: --force one tree over a series: exits 0" "$?" 0
    is "$who: and the series is gone" "$(ls -A "$s" | tr '\n' ' ')" "kmemtop-capture proc sys "
done

# an interrupted capture leaves its private directory: --force takes it for a capture
mkdir -p "$TMP/killed/.kmemtop-new.abcdef/proc" && : >"$TMP/killed/.kmemtop-new.abcdef/proc/meminfo"
"$KMEMTOP" --capture "$TMP/killed" --force >/dev/null 2>"$TMP/err"
is "--force over an interrupted capture's leftovers: exits 0" "$?" 0
is "and only the new tree is left" "$(ls -A "$TMP/killed" | tr '\n' ' ')" "kmemtop-capture proc sys "

# --force over an old capture holding a directory 2000 deep (a stranger's tree may be
# any depth): removed whole, a link at the bottom not followed, nothing left aside
deep=$TMP/deep
"$KMEMTOP" --capture "$deep" >/dev/null 2>&1
mkdir "$TMP/deep-victim" && printf 'keep\n' >"$TMP/deep-victim/file"
chunk=$(printf 'd/%.0s' $(seq 1000)) # 1000 levels a mkdir -p, twice (past PATH_MAX)
(cd "$deep/proc" && for i in 1 2; do mkdir -p "$chunk" && cd -P "$chunk" || exit 1; done &&
    printf 'x\n' >leaf && ln -s "$TMP/deep-victim" out && ln -s "$TMP/deep-victim/file" out-file) ||
    nok "a directory 2000 deep could not be made"
"$KMEMTOP" --capture "$deep" --force >/dev/null 2>"$TMP/err"
is "--force over a capture with a directory 2000 deep: exits 0" "$?" 0
is "and only the new tree is left (no .kmemtop-old.* behind)" "$(ls -A "$deep" | tr '\n' ' ')" "kmemtop-capture proc sys "
is "the links at the bottom were not followed" "$(ls -A "$TMP/deep-victim"; cat "$TMP/deep-victim/file")" "file
keep"
# a file system mounted inside the old capture is not entered: kmemtop names what is left, exit 1
mnt=$TMP/mnt-old
"$KMEMTOP" --capture "$mnt" >/dev/null 2>&1 && mkdir "$mnt/proc/m"
if [ "$root" = yes ] && unshare -m --propagation private sh -c "mount -t tmpfs tmpfs '$mnt/proc/m' &&
    printf 'theirs\n' >'$mnt/proc/m/file' && { '$KMEMTOP' --capture '$mnt' --force; echo \$? >'$TMP/mnt.rc';
    cat '$mnt'/.kmemtop-old.*/proc/m/file >'$TMP/mnt.file'; ls -A '$mnt' >'$TMP/mnt.ls'; }" >/dev/null 2>"$TMP/err"; then
    is "--force, a mount inside the old capture: exit 1" "$(cat "$TMP/mnt.rc")" 1
    contains "saying which directory is left behind and why" "$(cat "$TMP/err")" \
        "^kmemtop: --capture $mnt: the replaced capture could not be removed completely: $mnt/\\.kmemtop-old\\.[0-9a-f]{6} is left behind \(proc/m in it: a mount point of another file system, not entered\)$"
    is "the mounted file system's files are untouched" "$(cat "$TMP/mnt.file")" theirs
    is "the new tree is in place beside what is left" "$(grep -v '^\.kmemtop-old\.' "$TMP/mnt.ls" | tr '\n' ' ')" "kmemtop-capture proc sys "
elif [ "$root" != yes ] || grep -q 'mount:\|unshare:' "$TMP/err"; then
    ok "# SKIP --force over a mount: no private mount namespace here ($(head -1 "$TMP/err"))"
else
    nok "--force over a mount: the test could not run" "$(cat "$TMP/err")"
fi

# --- a record that says incomplete, shown by --root ------------------------------------------
cp -R "$FIX/this-vm-6.18" "$TMP/inc"
printf 'complete=0\nerror=No space left on device\nerror_path=proc/zoneinfo\n' >>"$TMP/inc/kmemtop-capture"
contains "--root text: the header says the tree is incomplete" \
    "$("$KMEMTOP" --root "$TMP/inc" -o --view nodes)" \
    "^INCOMPLETE capture: could not write proc/zoneinfo: No space left on device"
is "--root JSON: capture_complete false with the error" \
    "$("$KMEMTOP" --root "$TMP/inc" -o --format json | jq -c '[.capture_complete,.capture_error]')" \
    '[false,"could not write proc/zoneinfo: No space left on device"]'
if command -v tmux >/dev/null; then
    sock=km-capsafe-$$
    tmux -L "$sock" new-session -d -x 120 -y 30 "'$KMEMTOP' --root '$TMP/inc'"
    i=0 scr=
    while [ $i -lt 50 ]; do
        scr=$(tmux -L "$sock" capture-pane -p 2>/dev/null)
        printf '%s\n' "$scr" | grep -q '^INCOMPLETE' && break
        sleep 0.1
        i=$((i + 1))
    done
    tmux -L "$sock" kill-server 2>/dev/null
    contains "--root screen: the header says the tree is incomplete" "$scr" \
        "^INCOMPLETE capture: could not write proc/zoneinfo: No space left on device"
else
    ok "# SKIP --root screen: no tmux"
fi
is "--root JSON: a tree without the key says nothing" \
    "$("$KMEMTOP" --root "$FIX/this-vm-6.18" -o --format json | jq -c 'has("capture_complete")')" false

# --- a full disk: exit 1, "could not write", an incomplete record that --root reports ------
for who in km sh; do
    full=$TMP/full-$who
    mkdir "$full"
    if [ "$root" = yes ] && unshare -m --propagation private sh -c "mount -t tmpfs -o size=64k tmpfs '$full' &&
        { if [ $who = km ]; then '$KMEMTOP' --capture '$full/t'; else sh '$SCRIPT' '$full/t'; fi
          echo \$? >'$TMP/full.rc'; cp -a '$full/t' '$TMP/full-$who.copy'; }" >/dev/null 2>"$TMP/err"; then
        is "$who: full disk: exit 1" "$(cat "$TMP/full.rc")" 1
        contains "$who: full disk: could not write, naming the file and why" "$(cat "$TMP/err")" \
            ": --capture $full/t: could not write $full/t/[^:]+: No space left on device\$|: $full/t: could not write $full/t/[^:]+: No space left on device\$"
        rec=$TMP/full-$who.copy/kmemtop-capture
        check "$who: full disk: the record says complete=0" grep -qx 'complete=0' "$rec"
        p=$(sed -n 's/^error_path=//p' "$rec")
        check "$who: full disk: the file that failed ($p) is not left partial" test ! -e "$TMP/full-$who.copy/$p"
        check "$who: full disk: --root reports the tree incomplete" sh -c \
            "'$KMEMTOP' --root '$TMP/full-$who.copy' -o --format json | jq -e '.capture_complete==false and (.capture_error|test(\"No space left\"))'"
    elif [ "$root" != yes ] || grep -q 'mount:\|unshare:' "$TMP/err"; then
        ok "# SKIP $who: full disk: no private mount namespace here ($(head -1 "$TMP/err"))"
    else
        nok "$who: full disk: the test could not run" "$(cat "$TMP/err")"
    fi
done
done_testing
