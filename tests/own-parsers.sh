#!/bin/sh
# Without a private mount namespace (a chroot, a container, user namespaces denied; forced
# here with --no-namespace) kmemtop reads a tree's meminfo and slabinfo with its own pure
# parsers instead of libproc2. Both paths must give the same frames on every fixture: text
# of every view (the header says which parsers read the tree) and JSON (but for "parser",
# "own_parsers" and the timings).
. "$(dirname "$0")/lib.sh"
cd "$FIX"
ns_ok=1
"$KMEMTOP" --root debian61-root -o --format json | jq -e '.sources.meminfo.parser == "libproc2"' >/dev/null || ns_ok=0
if [ $ns_ok = 0 ]; then
    # In a chroot (no mount at /: tests/chroot-run.sh) the frame says so, as root and as
    # nobody, rather than ask for sysctls that cannot help there.
    if [ -r /proc/self/mountinfo ] && ! awk '$5 == "/" { f = 1 } END { exit !f }' /proc/self/mountinfo; then
        why=$("$KMEMTOP" --root debian61-root -o --format json | jq -r '.own_parsers // "none"')
        contains "in a chroot: the frame says why no namespace was made" "$why" 'kmemtop runs in a chroot'
        if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
            # copies: nobody may not reach the build (a checkout in /root, which is 0700)
            cp -R debian61-root "$TMP/tree" && cp "$KMEMTOP" "$TMP/kmemtop" && chmod -R a+rX "$TMP"
            why=$(cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$TMP/kmemtop" --root "$TMP/tree" -o --format json |
                  jq -r '.own_parsers // "none"')
            contains "in a chroot, as nobody: the frame says why no namespace was made" "$why" 'kmemtop runs in a chroot'
        fi
        ok "# SKIP no private mount namespace here: libproc2 cannot read a tree to compare with"
        done_testing
        exit
    fi
    echo "1..0 # SKIP no private mount namespace here: libproc2 cannot read a tree to compare with"
    exit 0
fi
strip='del(.own_parsers) | del(.sources[]?.parser) | del(.sources[]?.seconds)'
for fx in */; do
    fx=${fx%/}
    [ -d "$fx/proc" ] || [ -d "$fx/sys" ] || continue
    "$KMEMTOP" --root "$fx" -o >"$TMP/lib.txt" 2>&1
    "$KMEMTOP" --root "$fx" -o --no-namespace >"$TMP/own.txt" 2>&1
    sed -i '1s/ (meminfo, slabinfo: own parsers)//' "$TMP/own.txt"
    if cmp -s "$TMP/lib.txt" "$TMP/own.txt"; then ok "$fx: text frames agree"
    else nok "$fx: text frames agree" "$(diff "$TMP/lib.txt" "$TMP/own.txt" | head -20)"; fi
    "$KMEMTOP" --root "$fx" -o --format json | jq -S "$strip" >"$TMP/lib.json"
    "$KMEMTOP" --root "$fx" -o --format json --no-namespace | tee "$TMP/own.raw" | jq -S "$strip" >"$TMP/own.json"
    if cmp -s "$TMP/lib.json" "$TMP/own.json"; then ok "$fx: JSON frames agree"
    else nok "$fx: JSON frames agree" "$(diff "$TMP/lib.json" "$TMP/own.json" | head -20)"; fi
    got=$(jq -r '[.sources.meminfo.parser // "-", .sources.slabinfo.parser // "-", .own_parsers] | join(" ")' "$TMP/own.raw")
    is "$fx: the frame says which parsers read it" "$got" "kmemtop kmemtop --no-namespace"
done
done_testing
