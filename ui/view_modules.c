/* ui/view_modules.c - being written */
#include "views.h"
