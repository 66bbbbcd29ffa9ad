/* ui/view_buddy.c - being written */
#include "views.h"
