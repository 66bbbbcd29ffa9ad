#!/bin/sh
# The sampling core (src/, include/) never includes curses or a ui/ header.
. "$(dirname "$0")/lib.sh"
cd "$KM_SRCDIR"
bad=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]*curses[^>"]*|(\.\./)*ui/[^>"]*|term\.h)[>"]' src/*.c src/*.h include/kmemtop/*.h 2>/dev/null)
is "src/ and include/ include no curses and no ui/ header" "$bad" ""
# and the test itself can fail: a planted include is found
printf '#include <ncursesw/curses.h>\n' > "$TMP/x.c"
planted=$(grep -cE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"][^>"]*curses' "$TMP/x.c")
is "the pattern catches a curses include" "$planted" "1"
contains "the curses libraries' symbols are found" "$(curses_symbols)" '^initscr$'
check "libkmcore.a is built" test -s "$KM_BUILDDIR/libkmcore.a"
# any symbol libncursesw or libtinfo defines (render-no-curses.sh shows it can fail)
is "libkmcore.a refers to no curses symbol" "$(curses_refs "$KM_BUILDDIR/libkmcore.a")" ""
done_testing
