/* nodes.c - STUB, being written. See include/kmemtop/nodes.h. */
#include "kmemtop/nodes.h"
