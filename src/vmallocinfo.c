/* vmallocinfo.c - STUB, being written. See include/kmemtop/vmallocinfo.h. */
#include "kmemtop/vmallocinfo.h"
