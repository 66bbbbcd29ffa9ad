/* meminfo.c - STUB, being written. See include/kmemtop/meminfo.h. */
#include "kmemtop/meminfo.h"
