/* pagetypeinfo.c - STUB, being written. See include/kmemtop/pagetypeinfo.h. */
#include "kmemtop/pagetypeinfo.h"
