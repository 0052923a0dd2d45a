// glibc's malloc tuning (mallopt), which Swift's Glibc module does not bring in (<malloc.h>).
#include <malloc.h>
