/* ui/view_nodes.c - being written */
#include "views.h"
