/* tty.c - restoring the terminal from a fatal signal; noticing it has gone. See tty.h. */
#include "tty.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/*
 * Signals whose default action ends the process (the loop handles INT, TERM,
 * HUP). The first ones are faults and the like: caught even when a handler
 * is installed (a sanitizer's), which then runs after the terminal is put
 * back. The others are caught only while they would end the process: a
 * handler someone installed for them (a timer's SIGALRM) stays theirs.
 */
static const int fatal_signals[] = {
    SIGQUIT, SIGILL,  SIGTRAP, SIGABRT, SIGBUS,  SIGFPE,  SIGSEGV,   SIGSYS,
    SIGXCPU, SIGXFSZ, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2, SIGVTALRM, SIGPROF,
};
#define NFATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
#define NFAULTS 8 /* the first eight: QUIT to SYS */

static struct sigaction previous[NFATAL];
static bool caught[NFATAL];
static int tty_fd = -1;
static struct termios saved_modes;
static bool have_modes;
static char restore_seq[512]; /* written as it is from the handler */
static size_t restore_len;
static volatile sig_atomic_t armed;

void km_tty_save(int fd)
{
    tty_fd = fd;
    have_modes = tcgetattr(fd, &saved_modes) == 0;
}

/* Appends terminfo capability cap to restore_seq, without its padding ($<5>). */
static void add_cap(const char *cap)
{
    const char *s = tigetstr(cap);
    if (!s || s == (const char *)-1)
        return;
    while (*s && restore_len + 1 < sizeof(restore_seq)) {
        const char *end = s[0] == '$' && s[1] == '<' ? strchr(s, '>') : NULL;
        if (end) {
            s = end + 1;
            continue;
        }
        restore_seq[restore_len++] = *s++;
    }
}

static void on_fatal(int sig)
{
    if (armed) {
        armed = 0;
        if (restore_len > 0 && write(tty_fd, restore_seq, restore_len) < 0) {
            /* nothing more can be done for a terminal that cannot be written */
        }
        if (have_modes)
            tcsetattr(tty_fd, TCSANOW, &saved_modes);
    }
    for (size_t i = 0; i < NFATAL; i++)
        if (fatal_signals[i] == sig)
            sigaction(sig, &previous[i], NULL);
    raise(sig); /* SA_NODEFER: delivered now, as it would have been */
}

void km_tty_arm(void)
{
    if (tty_fd < 0)
        return;
    restore_len = 0;
    add_cap("sgr0");
    add_cap("cnorm");
    add_cap("rmkx");
    add_cap("rmcup");
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_fatal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NODEFER;
    for (size_t i = 0; i < NFATAL; i++) {
        caught[i] = false;
        if (sigaction(fatal_signals[i], NULL, &previous[i]) < 0 ||
            previous[i].sa_handler == SIG_IGN)
            continue; /* an ignored signal stays ignored */
        bool dfl = !(previous[i].sa_flags & SA_SIGINFO) && previous[i].sa_handler == SIG_DFL;
        if (i >= NFAULTS && !dfl)
            continue;
        caught[i] = sigaction(fatal_signals[i], &sa, NULL) == 0;
    }
    armed = 1;
}

void km_tty_disarm(void)
{
    armed = 0;
    for (size_t i = 0; i < NFATAL; i++)
        if (caught[i]) {
            sigaction(fatal_signals[i], &previous[i], NULL);
            caught[i] = false;
        }
}

bool km_tty_gone(int fd, int *byte, char *why, size_t n)
{
    *byte = -1;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0)
        return false; /* nothing there (or a signal came): still a terminal */
    if (p.revents & POLLNVAL) {
        snprintf(why, n, "the terminal has gone (its input is closed)");
        return true;
    }
    unsigned char c;
    ssize_t got = read(fd, &c, 1); /* poll said it would not block */
    if (got == 1) {
        *byte = c;
        return false;
    }
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return false;
    bool tty = isatty(fd) || errno != ENOTTY; /* a hung-up terminal fails with EIO */
    if (got == 0 && !tty)
        snprintf(why, n, "the screen reads keys, and standard input (not a terminal) has ended; "
                         "-b prints text frames");
    else if (got == 0)
        snprintf(why, n, "the terminal has gone (end of input)");
    else
        snprintf(why, n, "the terminal has gone (reading it: %s)", strerror(errno));
    return true;
}
