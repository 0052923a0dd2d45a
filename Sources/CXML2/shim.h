#include <libxml/xmlreader.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

// xmlFree is a global function-pointer variable, which Swift 6 treats as shared mutable state;
// calling it through a C helper is the documented way to free strings libxml2 allocated.
static inline void trawl_xml_free(void *pointer) { xmlFree(pointer); }
