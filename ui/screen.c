/* screen.c - STUB: the interactive screen is being written (issue 6). */
#include "screen.h"

#include <stdio.h>

int km_screen_run(struct km_app *a)
{
    fprintf(stderr, "kmemtop: the interactive screen is not built yet; use -b\n");
    return 1;
}
