/* ui/frame.c - being written */
#include "frame.h"
