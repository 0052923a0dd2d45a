#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast of -1 to a function pointer, which Swift does not import; binding
// with it tells SQLite to copy the bytes before the call returns.
static inline sqlite3_destructor_type trawl_sqlite_transient(void) { return SQLITE_TRANSIENT; }
