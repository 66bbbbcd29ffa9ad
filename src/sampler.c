/* sampler.c */
#include "kmemtop/sampler.h"
