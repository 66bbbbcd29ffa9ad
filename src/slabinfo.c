/* slabinfo.c - STUB, being written. See include/kmemtop/slabinfo.h. */
#include "kmemtop/slabinfo.h"
