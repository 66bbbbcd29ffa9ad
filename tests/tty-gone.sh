#!/bin/sh
# tty-gone.sh - the interactive screen when its terminal goes away without a
# SIGHUP: kmemtop runs in a session of its own (setsid, no controlling
# terminal) on a pty; the pty's master is closed, as when a tmux pane is
# killed. Reads then return end of input or EIO at once and forever: kmemtop
# must end (status 1, saying why) within seconds, not spin. Also: input that
# is not a terminal at all (</dev/null with the screen on a terminal), and the
# case as it happens: kmemtop setsid in a tmux pane that is killed.
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 is not installed (it drives the pty)"
    exit 0
fi

# run_on_pty MODE: prints "exited STATUS cpu SECONDS after SECONDS" or "running cpu ...".
# MODE close: the master is closed once the screen is up; devnull: stdin is /dev/null.
run_on_pty() {
    python3 - "$1" "$KMEMTOP" "$FIX/debian61-root" <<'EOF'
import os, pty, resource, select, signal, sys, time
mode, kmemtop, root = sys.argv[1:4]
master, slave = pty.openpty()
name = os.ttyname(slave)
pid = os.fork()
if pid == 0:
    os.setsid()  # a session of its own: closing the master sends it no SIGHUP
    os.close(master)
    tty = os.open(name, os.O_RDWR | os.O_NOCTTY)
    os.dup2(os.open(os.devnull, os.O_RDONLY) if mode == "devnull" else tty, 0)
    os.dup2(tty, 1)
    os.dup2(os.open(os.environ["ERRFILE"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
    os.execv(kmemtop, [kmemtop, "--root", root, "-d", "0.2"])
os.close(slave)
seen, start = b"", time.time()
while b"Modules" not in seen and time.time() - start < 10:  # the screen is up
    if select.select([master], [], [], 0.5)[0]:
        try:
            seen += os.read(master, 65536)
        except OSError:
            break
if mode == "close":
    os.close(master)
gone = time.time()
status = None
while time.time() - gone < 5:
    p, st, ru = os.wait4(pid, os.WNOHANG)
    if p:
        status = os.waitstatus_to_exitcode(st)
        break
    time.sleep(0.05)
if status is None:  # still running: what it burnt meanwhile, from /proc
    with open("/proc/%d/stat" % pid) as f:
        f_ = f.read().rsplit(")", 1)[1].split()
    cpu = (int(f_[11]) + int(f_[12])) / os.sysconf("SC_CLK_TCK")
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    print("running cpu %.2f after %.1f" % (cpu, time.time() - gone))
else:
    cpu = ru.ru_utime + ru.ru_stime
    print("exited %d cpu %.2f after %.1f" % (status, cpu, time.time() - gone))
EOF
}

export TERM=xterm-256color ERRFILE="$TMP/stderr"
r=$(run_on_pty close)
contains "master closed: kmemtop ends within 5 s ($r)" "$r" '^exited 1 '
cpu=$(printf '%s\n' "$r" | sed 's/.* cpu \([0-9.]*\) .*/\1/')
check "master closed: it did not spin ($cpu s of CPU)" awk -v c="$cpu" 'BEGIN { exit !(c < 1.0) }'
contains "master closed: it says why on stderr" "$(cat "$TMP/stderr")" \
    '^kmemtop: the terminal has gone \((end of input|reading it: Input/output error)\)$'

r=$(run_on_pty devnull)
contains "stdin /dev/null: kmemtop ends at once ($r)" "$r" '^exited 1 '
contains "stdin /dev/null: it says why" "$(cat "$TMP/stderr")" '^kmemtop: the screen reads keys, and standard input \(not a terminal\) has ended; -b prints text frames$'

# the same as it happens: kmemtop started with setsid in a tmux pane, the pane killed
if command -v tmux >/dev/null 2>&1 && command -v setsid >/dev/null 2>&1; then
    SOCK="kmg$$"
    trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
    tmux -L "$SOCK" new-session -d -s keep 'sleep 600'
    # no job control in sh -c: the & child is no group leader, so setsid execs kmemtop itself;
    # its stdin would be /dev/null (an & list's) but for the explicit <&3
    tmux -L "$SOCK" new-session -d -s gone -x 80 -y 24 \
        "exec 3<&0; setsid $KMEMTOP --root $FIX/debian61-root -d 0.2 <&3 3<&- 2>$TMP/stderr & echo \$! >$TMP/pid; wait"
    i=0
    while [ $i -lt 50 ] && ! tmux -L "$SOCK" capture-pane -p -t gone 2>/dev/null | grep -q 'Modules'; do
        sleep 0.1
        i=$((i + 1))
    done
    pid=$(cat "$TMP/pid")
    check "tmux: kmemtop is up in its own session" test "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid"
    tmux -L "$SOCK" kill-pane -t gone
    i=0
    while [ $i -lt 50 ] && kill -0 "$pid" 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        nok "tmux: kill-pane ends kmemtop within 5 s" "$(ps -o pid,stat,time,args -p "$pid")"
        kill -9 "$pid"
    else
        ok "tmux: kill-pane ends kmemtop within 5 s"
    fi
    contains "tmux: it says why" "$(cat "$TMP/stderr")" '^kmemtop: the terminal has gone'
else
    ok "# SKIP tmux or setsid is not installed"
fi
done_testing
