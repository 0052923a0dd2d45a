// Hyperscan (Debian's libhyperscan-dev): many patterns matched in one pass over the bytes.
#include <hs.h>
