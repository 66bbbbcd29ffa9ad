/* ui/fmt.c - being written */
#include "fmt.h"
