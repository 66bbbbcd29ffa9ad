/*
 * test_read_slow.c - the bound on reading one file (KM_READ_TIMEOUT, 10 s),
 * against a file system whose reads are slow: a tree on a network or FUSE
 * file system, a failing disk, or a /proc file that the kernel takes long to
 * generate. This program's own pread() and clock_gettime() stand in for
 * libc's (the reader in libkmcore.a calls them): each pread "takes" the time
 * the case gives it, added to CLOCK_MONOTONIC, so that a read of 10.5 s costs
 * the test nothing. The constant is the shipped one; nothing in the library
 * is changed for the test. tests/slow-read.sh does the same end to end, with
 * strace holding one of kmemtop's reads for 10.5 s.
 */
#undef _FORTIFY_SOURCE /* pread must stay a plain function to be replaced */
#include "../tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kmemtop/read.h"

#define MAX_CALLS 16

static double fake;             /* seconds added to CLOCK_MONOTONIC so far */
static double delay[MAX_CALLS]; /* what the n-th pread of the case takes */
static int calls;               /* preads in the case */

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    ssize_t r = (ssize_t)syscall(SYS_pread64, fd, buf, n, off);
    int e = errno;
    if (calls < MAX_CALLS)
        fake += delay[calls];
    calls++;
    errno = e;
    return r;
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
    int rc = (int)syscall(SYS_clock_gettime, clk, ts);
    if (rc == 0 && clk == CLOCK_MONOTONIC && fake > 0) {
        long long ns = (long long)ts->tv_nsec + (long long)(fake * 1e9);
        ts->tv_sec += (time_t)(ns / 1000000000);
        ts->tv_nsec = (long)(ns % 1000000000);
    }
    return rc;
}

static char top[4096];

static void put(const char *rel, size_t len)
{
    char p[8192];
    snprintf(p, sizeof(p), "%s/%s", top, rel);
    FILE *f = fopen(p, "w");
    for (size_t i = 0; f && i < len; i++)
        fputc(i % 64 == 63 ? '\n' : 'a' + (int)(i % 26), f);
    if (!f || fclose(f) != 0) {
        printf("Bail out! cannot write %s\n", p);
        exit(1);
    }
}

/* Reads path with the n-th pread of it taking d[n] seconds. */
static int read_with(const char *path, const double *d, int nd, struct km_buf *b)
{
    memset(delay, 0, sizeof(delay));
    memcpy(delay, d, (size_t)nd * sizeof(*d));
    calls = 0;
    return km_read_file(path, b);
}

static void path_of(char *p, size_t sz, const char *rel)
{
    snprintf(p, sz, "%s/%s", top, rel);
}

static void cases(void)
{
    struct km_buf b = {0};
    char small[8192], big[8192];
    path_of(small, sizeof(small), "proc/buddyinfo");
    path_of(big, sizeof(big), "proc/big");

    int rc = read_with(small, (double[]){0, 10.5}, 2, &b);
    is_int(rc, KM_ESLOW, "a file whose second read takes 10.5 s is abandoned");
    is_int(calls, 2, "  ... after that read (data, then EOF)");
    is_str(km_read_strerror(rc), "took longer than 10 s to read (abandoned)", "  ... and says so");
    is_int((long)b.len, 0, "  ... with nothing kept");

    is_int(read_with(small, (double[]){0, 9.5}, 2, &b), 0, "a second read of 9.5 s is waited for");
    is_int((long)b.len, 300, "  ... and the file read whole");
    is_int(read_with(small, (double[]){30, 0}, 2, &b), 0,
           "a first read of 30 s is not counted (the clock starts when it returns)");

    rc = read_with(big, (double[]){0, 3, 3, 3, 3, 3, 3}, 7, &b);
    is_int(rc, KM_ESLOW, "a 100 KiB file read in several reads of 3 s each is abandoned");
    ok(calls >= 5, "  ... the bound is on the whole file, not on each read");
    is_int(read_with(big, (double[]){0, 1, 1, 1, 1, 1, 1}, 7, &b), 0,
           "the same file in reads of 1 s each is read");
    is_int((long)b.len, 100 * 1024, "  ... whole");

    double six[] = {0, 6};
    ok(read_with(small, six, 2, &b) == 0 && read_with(small, six, 2, &b) == 0,
       "two files of 6 s each in a row: each has its own 10 s");

    char proc[8192];
    path_of(proc, sizeof(proc), "proc");
    km_read_set_tree(open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC), -1);
    is_int(read_with("/proc/buddyinfo", (double[]){0, 10.5}, 2, &b), KM_ESLOW,
           "beneath a tree (as --root reads it): abandoned the same");
    km_read_set_tree(-1, -1);
    km_buf_free(&b);
}

int main(void)
{
    snprintf(top, sizeof(top), "%s/kmslow.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    char p[8192];
    if (!mkdtemp(top)) {
        printf("Bail out! mkdtemp\n");
        return 1;
    }
    path_of(p, sizeof(p), "proc");
    if (mkdir(p, 0755) < 0) {
        printf("Bail out! mkdir %s\n", p);
        return 1;
    }
    put("proc/buddyinfo", 300);
    put("proc/big", 100 * 1024);
    cases();
    char cmd[8300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", top);
    return tap_done();
}
