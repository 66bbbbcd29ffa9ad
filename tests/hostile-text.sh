#!/bin/sh
# hostile-text.sh - names holding C1 controls (CSI U+009B, NEL U+0085) and
# bidirectional controls (overrides, isolates, marks) and a line separator,
# as UTF-8 (tests/fixtures/edge-hostile-names): batch text shows '?' for each,
# keeps its columns aligned and valid text as it is; JSON keeps the exact name
# with those characters as \u escapes, so that its bytes never act on a
# terminal either. (The screen's side is in screen.sh.)
. "$(dirname "$0")/lib.sh"
H="$FIX/edge-hostile-names"
# the bytes of every character km_utf8_unsafe names
BAD=$(printf '\302[\200-\237]|\342\200[\216\217\250-\256]|\342\201[\246-\251]|\330\234')

"$KMEMTOP" --root "$H" -o --view slabs >"$TMP/h.txt" 2>"$TMP/h.err"
is "text: exits 0, nothing on stderr" "$?:$(cat "$TMP/h.err")" "0:"
if LC_ALL=C grep -Eq "$BAD" "$TMP/h.txt"; then nok "text: no C1 or bidi control" "$(LC_ALL=C grep -E "$BAD" "$TMP/h.txt" | od -c | head)"
else ok "text: no C1 or bidi control"; fi
row() { grep "^$1" "$TMP/h.txt" | awk '{ print $1 }'; }
is "text: C1 controls, one ? each" "$(row c1csi)" 'c1csi?31mred?x'
is "text: overrides and isolates, one ? each" "$(row bidi)" 'bidi?live??iso?'
is "text: marks and a line separator, one ? each" "$(row marks)" 'marks????x'
is "text: a no-break space and an accent kept" "$(grep '^kept' "$TMP/h.txt" | sed 's/ .*//')" "$(printf 'kept\302\240caf\303\251')"
# every row's OBJS column ends where the header's does (counted in characters)
if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
    ends=$(grep -E '^(NAME|dentry|evil|c1csi|bidi|marks|kept)' "$TMP/h.txt" | sed -E 's/^([^ ]+ +[^ ]+).*/\1/' |
        while IFS= read -r l; do printf '%s' "$l" | LC_ALL=C.UTF-8 wc -m; done | sort -u | tr '\n' ' ')
    contains "text: the columns line up on every row (OBJS ends at: $ends)" "$ends" '^[0-9]+ $'
else
    ok "# SKIP no C.UTF-8 locale to count characters"
fi

"$KMEMTOP" --root "$H" -o --view slabs --format json >"$TMP/h.json" 2>"$TMP/h.err"
is "JSON: exits 0, nothing on stderr" "$?:$(cat "$TMP/h.err")" "0:"
if LC_ALL=C grep -Eq "$BAD" "$TMP/h.json"; then nok "JSON: no raw C1 or bidi control" "$(LC_ALL=C grep -Eo ".{10}($BAD).{10}" "$TMP/h.json" | od -c | head)"
else ok "JSON: no raw C1 or bidi control"; fi
check "JSON: the controls are \\u escapes" grep -qF '"name":"c1csi\u009b31mred\u0085x"' "$TMP/h.json"
check "JSON: overrides and isolates too" grep -qF '"name":"bidi\u202elive\u202c\u2066iso\u2069"' "$TMP/h.json"
check "JSON: marks and the line separator too" grep -qF '"name":"marks\u200e\u200f\u061c\u2028x"' "$TMP/h.json"
is "JSON: decoded, each name is exactly the kernel's" \
    "$(jq -r '.slabs.rows[].name' "$TMP/h.json" | grep -E '^(c1csi|bidi|marks|kept)' | od -An -tx1 | tr -d ' \n')" \
    "$(awk '$1 ~ /^(c1csi|bidi|marks|kept)/ { print $1 }' "$H/proc/slabinfo" | od -An -tx1 | tr -d ' \n')"
# the title line at its longest: a 127-byte kernel release and a tree path of 250 bytes (the
# most a root holds), a recorded time and uptime: cut at its buffer, not written past it
long=$TMP/$(printf '%0200d' 0 | tr 0 p)
long=$(printf '%s' "$long" | cut -c1-250)
mkdir -p "$long" && cp -R "$FIX/debian612-root/." "$long/" && chmod -R u+w "$long"
mkdir -p "$long/proc/sys/kernel"
printf '%0127d\n' 0 | tr 0 r > "$long/proc/sys/kernel/osrelease"
"$KMEMTOP" --root "$long" -b -n 1 --view buddy >"$TMP/long.txt" 2>"$TMP/long.err"
is "a 127-byte release in a 250-byte tree path: exits 0, nothing on stderr" "$?:$(cat "$TMP/long.err")" "0:"
contains "  ... the title line names the release" "$(head -1 "$TMP/long.txt")" "^kmemtop - rrrrrrrrrr"
done_testing
