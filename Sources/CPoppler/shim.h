#include <poppler.h>

// POPPLER_ERROR is a macro over a function call, which Swift does not import.
static inline int trawl_poppler_error_is_encrypted(const GError *error) {
    return error != NULL && error->domain == POPPLER_ERROR && error->code == POPPLER_ERROR_ENCRYPTED;
}
