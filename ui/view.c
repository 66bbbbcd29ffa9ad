/* ui/view.c - being written */
#include "view.h"
