// A C interface to libphonenumber's parsing and validation, for Swift, which calls C and not C++.
// Each call reads one number; nothing is kept between calls but libphonenumber's shared instance.
#ifndef TRAWL_PHONENUMBER_H
#define TRAWL_PHONENUMBER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What libphonenumber says of one written number.
typedef struct {
    /// 1 when the text was read as a phone number at all (enough digits, a known country code).
    int parsed;
    /// 1 when the number is valid in the numbering plan of its country.
    int valid;
    /// The country calling code (33 for France); 0 when the text was not read.
    int country_code;
    /// The ISO 3166-1 region the number belongs to ("FR"), "ZZ" when none; NUL-terminated.
    char region[4];
    /// libphonenumber's PhoneNumberType: 0 fixed line, 1 mobile, 2 either, 3 toll free,
    /// 4 premium rate, 5 shared cost, 6 VoIP, 7 personal, 8 pager, 9 UAN, 10 voicemail,
    /// 11 unknown.
    int type;
} trawl_phone_check;

/// Makes libphonenumber's shared instance, loading its metadata. Safe to call more than once.
void trawl_phone_initialize(void);

/// Reads `length` bytes of UTF-8 `text` as a phone number (in the plan of `default_region`, an
/// ISO 3166-1 code, when it carries no +country code; "ZZ" when it must) and checks it against
/// the numbering plan of its country. Never throws: a failure reads as not parsed.
trawl_phone_check trawl_phone_check_number(const char *text, size_t length, const char *default_region);

#ifdef __cplusplus
}
#endif

#endif
