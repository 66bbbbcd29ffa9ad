/* buddyinfo.c - STUB, being written. See include/kmemtop/buddyinfo.h. */
#include "kmemtop/buddyinfo.h"
