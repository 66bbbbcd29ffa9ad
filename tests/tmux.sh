# tmux.sh - sourced, after lib.sh, by the tests that drive the screen in tmux
# (kmemtop in a pane, keys sent with send-keys, the pane read with capture-pane).
#
# km_tmux NAME: a tmux server of the test's own (socket NAME<pid>), killed at exit
# with $TMP, holding a session that outlives each test's ("keep": killing the last
# session ends the server, and a new-session racing with that exit could fail);
# TERM, TMUX and NO_COLOR set as a plain terminal has them. Returns 1, doing
# nothing, when tmux is not installed.
# Then, on the session $S (km unless set before):
#   T ARGS       tmux on the test's socket
#   pane         the pane's text
#   keys KEYS    send-keys
#   poll CMD     CMD every 0.1 s until it succeeds, 6 s at most (ASan under load is slow)
#   has RE, hasnt RE       the pane shows (does not show) RE (grep -E)
#   see NAME RE, gone NAME RE   a test point: RE shows (goes) within 6 s
# UTF8 is C.UTF-8 where that locale exists, else empty.

km_tmux() {
    command -v tmux >/dev/null 2>&1 || return 1
    export TERM=xterm-256color
    unset TMUX NO_COLOR
    SOCK="$1$$"
    S=${S:-km}
    trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
    T new-session -d -s keep -x 80 -y 24 'sleep 3600'
    UTF8=C.UTF-8
    locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || UTF8=
    return 0
}

T() { tmux -L "$SOCK" "$@"; }
pane() { T capture-pane -p -t "$S" 2>/dev/null; }
keys() { T send-keys -t "$S" "$@"; }
poll() { _i=0; while [ $_i -lt 60 ]; do "$@" && return 0; sleep 0.1; _i=$((_i + 1)); done; "$@"; }
has() { pane | grep -Eq -- "$1"; }
hasnt() { ! pane | grep -Eq -- "$1"; }
see() { if poll has "$2"; then ok "$1"; else nok "$1" "no /$2/ on screen:
$(pane)"; fi; }
gone() { if poll hasnt "$2"; then ok "$1"; else nok "$1" "/$2/ still on screen:
$(pane)"; fi; }
