// The poppler-glib and GLib calls Trawl makes, declared as function-pointer types: the library is
// opened (dlopen) when the first PDF is read, not linked, so these are not the library's own
// headers. Each type must match the declaration in <poppler.h> or <glib.h> (poppler-glib 22,
// GLib 2.74); the Samples/ PDFs, read by the tests, exercise every one.
#include <stddef.h>
#include <stdint.h>

// GError (glib/gerror.h): a GQuark (guint32) domain, a gint code, a gchar* message.
typedef struct TrawlGError {
    uint32_t domain;
    int32_t code;
    char *message;
} TrawlGError;

// PopplerError (poppler.h): POPPLER_ERROR_INVALID = 0, POPPLER_ERROR_ENCRYPTED = 1.
enum { TRAWL_POPPLER_ERROR_ENCRYPTED = 1 };

// GBytes *g_bytes_new(gconstpointer data, gsize size);
typedef void *(*trawl_g_bytes_new)(const void *data, size_t size);
// void g_bytes_unref(GBytes *bytes);
typedef void (*trawl_g_bytes_unref)(void *bytes);
// void g_object_unref(gpointer object);
typedef void (*trawl_g_object_unref)(void *object);
// void g_free(gpointer mem);
typedef void (*trawl_g_free)(void *mem);
// void g_error_free(GError *error);
typedef void (*trawl_g_error_free)(TrawlGError *error);
// GQuark poppler_error_quark(void): the domain of poppler's errors (POPPLER_ERROR).
typedef uint32_t (*trawl_poppler_error_quark)(void);
// PopplerDocument *poppler_document_new_from_bytes(GBytes *bytes, const char *password, GError **error);
typedef void *(*trawl_poppler_document_new_from_bytes)(void *bytes, const char *password, TrawlGError **error);
// int poppler_document_get_n_pages(PopplerDocument *document);
typedef int (*trawl_poppler_document_get_n_pages)(void *document);
// PopplerPage *poppler_document_get_page(PopplerDocument *document, int index);
typedef void *(*trawl_poppler_document_get_page)(void *document, int index);
// char *poppler_page_get_text(PopplerPage *page);
typedef char *(*trawl_poppler_page_get_text)(void *page);
// PopplerRectangle (poppler.h): four gdouble, x1 y1 x2 y2, in points from the page's top left.
typedef struct TrawlPopplerRectangle {
    double x1, y1, x2, y2;
} TrawlPopplerRectangle;
// gboolean poppler_page_get_text_layout(PopplerPage *page, PopplerRectangle **rectangles,
//                                       guint *n_rectangles): a box per character of the page's
// text (poppler_page_get_text), newlines included; the array is freed with g_free.
typedef int (*trawl_poppler_page_get_text_layout)(void *page, TrawlPopplerRectangle **rectangles, unsigned *count);
// gchar *poppler_document_get_title(PopplerDocument *document), and _author, _subject,
// _keywords, _creator alike.
typedef char *(*trawl_poppler_document_get_string)(void *document);

// GList (glib/glist.h): a doubly linked list of gpointer data.
typedef struct TrawlGList {
    void *data;
    struct TrawlGList *next;
    struct TrawlGList *prev;
} TrawlGList;
// PopplerFormFieldMapping (poppler-page.h): a PopplerRectangle (four gdouble) and the field.
typedef struct TrawlPopplerFormFieldMapping {
    double x1, y1, x2, y2;
    void *field;
} TrawlPopplerFormFieldMapping;
// PopplerFormFieldType (poppler.h): POPPLER_FORM_FIELD_TEXT = 2.
enum { TRAWL_POPPLER_FORM_FIELD_TEXT = 2 };
// GList *poppler_page_get_form_field_mapping(PopplerPage *page): of PopplerFormFieldMapping.
typedef TrawlGList *(*trawl_poppler_page_get_form_field_mapping)(void *page);
// void poppler_page_free_form_field_mapping(GList *list);
typedef void (*trawl_poppler_page_free_form_field_mapping)(TrawlGList *list);
// PopplerFormFieldType poppler_form_field_get_field_type(PopplerFormField *field);
typedef int (*trawl_poppler_form_field_get_field_type)(void *field);
// gchar *poppler_form_field_text_get_text(PopplerFormField *field), and
// poppler_form_field_get_partial_name and _get_alternate_ui_name alike (each freed with g_free).
typedef char *(*trawl_poppler_form_field_get_string)(void *field);
