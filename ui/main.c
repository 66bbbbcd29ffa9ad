#include <stdio.h>
int main(void) { puts("kmemtop: being written"); return 0; }
