// OpenSSL's SHA-256 on a plain context struct (SHA256_Init/Update/Final). OpenSSL 3 marks these
// deprecated in favour of EVP, whose contexts are heap objects fetched from a provider; a copy of
// this struct is a copy of the state, which is what a keyed hash per finding needs.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
