#!/bin/sh
# recorder-unit.sh - doc/kmemtop-recorder.service: systemd-analyze verify finds nothing wrong
# with it (its ExecStart pointed at this build), it runs kmemtop -w every 10 s kept 7 days,
# as its own user with CAP_DAC_READ_SEARCH and CAP_SYSLOG and nothing more, and the options
# it gives kmemtop are accepted.
. "$(dirname "$0")/lib.sh"
UNIT="$KM_SRCDIR/doc/kmemtop-recorder.service"
val() { sed -n "s/^$1=//p" "$UNIT"; }
contains "it records every 10 s, kept 7 days" "$(val ExecStart)" '-w /var/lib/kmemtop/[^ ]+ -d 10 --keep 7d'
is "as its own user" "$(val User)" kmemtop
is "with the two capabilities only (ambient and bounding)" \
    "$(val AmbientCapabilities)|$(val CapabilityBoundingSet)" \
    "CAP_DAC_READ_SEARCH CAP_SYSLOG|CAP_DAC_READ_SEARCH CAP_SYSLOG"
is "no new privileges, a read-only system, no network" \
    "$(val NoNewPrivileges) $(val ProtectSystem) $(val PrivateNetwork)" "yes strict yes"
is "its state directory is 0700" "$(val StateDirectoryMode)" 0700
# the options of its ExecStart, on a recording in TMP: kmemtop takes them (two ticks, fast)
args=$(val ExecStart | sed 's/^[^ ]* //; s|-w [^ ]*|-w '"$TMP"'/rec|; s/-d 10/-d 0.1 -n 2/')
out=$("$KMEMTOP" $args --view slabs 2>&1)
contains "kmemtop takes the unit's options" "$out" '^recorded tick 2: '
if command -v systemd-analyze >/dev/null 2>&1; then
    mkdir "$TMP/u"
    sed "s|^ExecStart=[^ ]*|ExecStart=$KMEMTOP|" "$UNIT" >"$TMP/u/kmemtop-recorder.service"
    out=$(cd "$TMP/u" && systemd-analyze verify --man=no ./kmemtop-recorder.service 2>&1)
    # a user kmemtop that this machine lacks is no fault of the unit
    bad=$(printf '%s\n' "$out" | grep -v -e '^$' -e 'kmemtop.*user\|User=\|Group=\|nonexistent user' || true)
    is "systemd-analyze verify: nothing wrong" "$bad" ""
else
    ok "# SKIP systemd-analyze is not installed"
fi
done_testing
