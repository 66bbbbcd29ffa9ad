/* modules.c - STUB, being written. See include/kmemtop/modules.h. */
#include "kmemtop/modules.h"
