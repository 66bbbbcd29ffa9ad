/* zoneinfo.c - STUB, being written. See include/kmemtop/zoneinfo.h. */
#include "kmemtop/zoneinfo.h"
