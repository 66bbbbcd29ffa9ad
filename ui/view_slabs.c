/* ui/view_slabs.c - being written */
#include "views.h"
