// Debian builds libxml2 with ICU, so <libxml/encoding.h> includes ICU's headers, whose UErrorCode
// clashes with the copy of ICU inside swift-corelibs-foundation as soon as one Swift module sees
// both. Trawl never touches libxml2's encoding handlers (the only structures whose layout ICU
// changes; they are used through pointers inside libxml2 alone), so the ICU parts are left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/xmlreader.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/SAX2.h>

// xmlFree is a macro over a per-thread function pointer, which Swift cannot call as such.
static inline void trawl_xmlFree(void *p) { xmlFree(p); }
