/* sample.c */
#include "kmemtop/sample.h"
