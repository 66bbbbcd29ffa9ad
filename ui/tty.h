/*
 * tty.h - the screen's terminal when things go wrong: put back from the
 * handler of a fatal signal (only async-signal-safe calls there: the bytes to
 * write and the modes to set are prepared beforehand), and noticed when it
 * has gone without a SIGHUP (end of input, a read error, a hang-up).
 *
 * Screen layer (libkmscreen.a): on top of the render layer, with ncursesw.
 */
#ifndef KM_UI_TTY_H
#define KM_UI_TTY_H

#include <stdbool.h>
#include <stddef.h>

/* Saves fd's terminal modes (before curses changes them). */
void km_tty_save(int fd);
/*
 * Once curses is on: prepares the bytes that leave its modes (attributes
 * off, cursor shown, keypad off, the normal screen; from terminfo) and
 * catches every signal that would end the process, except the ones the
 * screen's loop handles (INT, TERM, HUP): the faults (SEGV, BUS, FPE, ILL,
 * ABRT, QUIT, TRAP, SYS) unless ignored, the others (ALRM, USR1, PIPE, ...)
 * while their action is the default. The handler writes those bytes, sets
 * the saved modes, then lets the signal take its previous course (the
 * default: the process ends as it would have; a sanitizer's handler: its
 * report).
 */
void km_tty_arm(void);
/* The terminal has been restored the ordinary way: the handlers go. */
void km_tty_disarm(void);
/*
 * After a read of keys found nothing: whether input fd has gone (end of
 * input, a read error, a hang-up); why then says so. A byte that was in
 * fact waiting is returned in *byte (else -1) for the caller to push back.
 */
bool km_tty_gone(int fd, int *byte, char *why, size_t n);

#endif
