/* root.c - STUB, being written. See include/kmemtop/root.h. */
#include "kmemtop/root.h"
