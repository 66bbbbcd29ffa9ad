/* ui/text.c - being written */
#include "text.h"
