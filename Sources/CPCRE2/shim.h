// PCRE2's public names are macros over width-suffixed functions; fix the width to 8 bits so that
// Swift imports pcre2_compile_8 and friends.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
