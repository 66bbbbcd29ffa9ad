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
libs=$(nm -u "$KM_BUILDDIR/libkmcore.a" 2>/dev/null | grep -E ' (initscr|newwin|wrefresh|endwin|mvw?printw|wattr_on)$' || true)
is "libkmcore.a calls no curses function" "$libs" ""
done_testing
