#include <gmime/gmime.h>

// GObject's type checks and casts are macros, which Swift cannot call: one function each for the
// kinds of MIME object that a message's tree holds.
static inline int trawl_gmime_is_multipart(GMimeObject *object) { return GMIME_IS_MULTIPART(object); }
static inline int trawl_gmime_is_message_part(GMimeObject *object) { return GMIME_IS_MESSAGE_PART(object); }
static inline int trawl_gmime_is_part(GMimeObject *object) { return GMIME_IS_PART(object); }
