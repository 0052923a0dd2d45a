// The C interface of trawl_phonenumber.h over libphonenumber's C++ API (PhoneNumberUtil).
// libphonenumber's shared instance is made once and is safe to use from many threads (its
// regular-expression cache takes a lock); no C++ exception crosses into the caller.
#include "trawl_phonenumber.h"

#include <cstring>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

extern "C" void trawl_phone_initialize(void) {
    (void)PhoneNumberUtil::GetInstance();
}

extern "C" trawl_phone_check trawl_phone_check_number(const char *text, size_t length, const char *default_region) {
    trawl_phone_check out;
    std::memset(&out, 0, sizeof out);
    std::memcpy(out.region, "ZZ", 3);
    out.type = PhoneNumberUtil::UNKNOWN;
    if (text == nullptr) return out;
    try {
        const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
        PhoneNumber number;
        if (util->Parse(std::string(text, length), default_region ? default_region : "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
            return out;
        }
        out.parsed = 1;
        out.valid = util->IsValidNumber(number) ? 1 : 0;
        out.country_code = number.country_code();
        std::string region;
        util->GetRegionCodeForNumber(number, &region);
        std::strncpy(out.region, region.c_str(), sizeof out.region - 1);
        out.region[sizeof out.region - 1] = '\0';
        out.type = util->GetNumberType(number);
    } catch (...) {
        trawl_phone_check unread;
        std::memset(&unread, 0, sizeof unread);
        std::memcpy(unread.region, "ZZ", 3);
        unread.type = PhoneNumberUtil::UNKNOWN;
        return unread;
    }
    return out;
}
