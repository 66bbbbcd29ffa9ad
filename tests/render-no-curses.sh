#!/bin/sh
# The render layer (libkmrender.a: view model, views, batch text and JSON)
# includes no curses header and no header of the screen layer, and its
# archive refers to no symbol that libncursesw or libtinfo defines: an
# exporter links it with libkmcore.a and no curses. The screen layer
# (libkmscreen.a) is the counter-check that the symbol test finds curses.
. "$(dirname "$0")/lib.sh"
cd "$KM_SRCDIR"

render=$(lib_sources libkmrender.a)
screen=$(lib_sources libkmscreen.a)
contains "Makefile.am lists the render layer's sources" "$render" '^ui/view\.c$'
contains "Makefile.am lists the screen layer's sources" "$screen" '^ui/screen\.c$'

# shellcheck disable=SC2086 # one file name a word
is "no render source includes a curses header" "$(curses_includes $render)" ""
hdrs=$(printf '%s\n' "$screen" | sed -n 's|^ui/\(.*\.h\)$|\1|p' | paste -sd'|' | sed 's/\./\\./g')
# shellcheck disable=SC2086
bad=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*\"(\.\./)*(ui/)?($hdrs)\"" $render)
is "no render source includes a screen header ($hdrs)" "$bad" ""
printf '#include <ncursesw/curses.h>\n#  include "term.h"\n' >"$TMP/x.c"
is "the include pattern catches a planted curses include" "$(curses_includes "$TMP/x.c" | wc -l | tr -d ' ')" 2

syms=$(curses_symbols)
contains "the curses libraries kmemtop runs with are found ($(curses_libs | paste -sd' '))" "$syms" '^initscr$'
contains "their symbols include terminfo's" "$syms" '^tigetstr$'
lib="$KM_BUILDDIR/libkmrender.a"
check "libkmrender.a is built" test -s "$lib"
is "libkmrender.a refers to no curses symbol" "$(curses_refs "$lib")" ""
# and the symbol test can fail: the screen layer's archive is caught
scr=$(curses_refs "$KM_BUILDDIR/libkmscreen.a")
contains "libkmscreen.a's curses symbols are found (newterm)" "$scr" '^newterm$'
contains "libkmscreen.a's curses symbols are found (tigetstr, from libtinfo)" "$scr" '^tigetstr$'
done_testing
