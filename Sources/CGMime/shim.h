// The GMime and GObject calls Trawl makes, declared as function-pointer types: GMime is opened
// (dlopen) when the first message is read, not linked, so these are not the library's own
// headers. Each type must match the declaration in <gmime/gmime.h> or <glib-object.h> (GMime
// 3.2, GLib 2.74); the mail tests and the Samples' messages exercise every one. GMime's objects
// are opaque here (void *): the wrapper never reads their fields.
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

// GByteArray (glib/garray.h): what a memory stream holds.
typedef struct TrawlGByteArray {
    uint8_t *data;
    uint32_t len;
} TrawlGByteArray;

// GMimeRfcComplianceMode (gmime-parser-options.h): LOOSE is the first enumerator.
enum { TRAWL_GMIME_RFC_COMPLIANCE_LOOSE = 0 };

// void g_mime_init(void);
typedef void (*trawl_g_mime_init)(void);
// GMimeParserOptions *g_mime_parser_options_get_default(void);
typedef void *(*trawl_g_mime_parser_options_get_default)(void);
// void g_mime_parser_options_set_{rfc2047,parameter,address}_compliance_mode(GMimeParserOptions *, GMimeRfcComplianceMode);
typedef void (*trawl_g_mime_parser_options_set_mode)(void *options, int mode);
// void g_mime_parser_options_set_fallback_charsets(GMimeParserOptions *options, const char **charsets);
typedef void (*trawl_g_mime_parser_options_set_fallback_charsets)(void *options, const char **charsets);
// GMimeStream *g_mime_stream_mem_new(void);
typedef void *(*trawl_g_mime_stream_mem_new)(void);
// GMimeStream *g_mime_stream_mem_new_with_buffer(const char *buffer, size_t len);
typedef void *(*trawl_g_mime_stream_mem_new_with_buffer)(const char *buffer, size_t len);
// GByteArray *g_mime_stream_mem_get_byte_array(GMimeStreamMem *mem);
typedef TrawlGByteArray *(*trawl_g_mime_stream_mem_get_byte_array)(void *mem);
// GMimeStream *g_mime_stream_filter_new(GMimeStream *stream);
typedef void *(*trawl_g_mime_stream_filter_new)(void *stream);
// int g_mime_stream_filter_add(GMimeStreamFilter *stream, GMimeFilter *filter);
typedef int (*trawl_g_mime_stream_filter_add)(void *stream, void *filter);
// int g_mime_stream_flush(GMimeStream *stream);
typedef int (*trawl_g_mime_stream_flush)(void *stream);
// GMimeFilter *g_mime_filter_charset_new(const char *from_charset, const char *to_charset);
typedef void *(*trawl_g_mime_filter_charset_new)(const char *from, const char *to);
// GMimeParser *g_mime_parser_new_with_stream(GMimeStream *stream);
typedef void *(*trawl_g_mime_parser_new_with_stream)(void *stream);
// GMimeMessage *g_mime_parser_construct_message(GMimeParser *parser, GMimeParserOptions *options);
typedef void *(*trawl_g_mime_parser_construct_message)(void *parser, void *options);
// GMimeObject *g_mime_message_get_mime_part(GMimeMessage *message);
typedef void *(*trawl_g_mime_message_get_mime_part)(void *message);
// ssize_t g_mime_object_write_to_stream(GMimeObject *object, GMimeFormatOptions *options, GMimeStream *stream);
typedef ssize_t (*trawl_g_mime_object_write_to_stream)(void *object, void *options, void *stream);
// GMimeHeaderList *g_mime_object_get_header_list(GMimeObject *object);
typedef void *(*trawl_g_mime_object_get_header_list)(void *object);
// GMimeContentType *g_mime_object_get_content_type(GMimeObject *object);
typedef void *(*trawl_g_mime_object_get_content_type)(void *object);
// const char *g_mime_object_get_content_type_parameter(GMimeObject *object, const char *name);
// const char *g_mime_object_get_content_disposition_parameter(GMimeObject *object, const char *name);
typedef const char *(*trawl_g_mime_object_get_parameter)(void *object, const char *name);
// const char *g_mime_object_get_disposition(GMimeObject *object);
// const char *g_mime_part_get_filename(GMimePart *mime_part);
// const char *g_mime_content_type_get_media_{type,subtype}(GMimeContentType *content_type);
// const char *g_mime_header_get_{name,value}(GMimeHeader *header);
typedef const char *(*trawl_g_mime_get_string)(void *object);
// int g_mime_multipart_get_count(GMimeMultipart *multipart);
// int g_mime_header_list_get_count(GMimeHeaderList *headers);
typedef int (*trawl_g_mime_get_count)(void *object);
// GMimeObject *g_mime_multipart_get_part(GMimeMultipart *multipart, int index);
// GMimeHeader *g_mime_header_list_get_header_at(GMimeHeaderList *headers, int index);
typedef void *(*trawl_g_mime_get_at)(void *object, int index);
// GMimeMessage *g_mime_message_part_get_message(GMimeMessagePart *part);
// GMimeDataWrapper *g_mime_part_get_content(GMimePart *mime_part);
typedef void *(*trawl_g_mime_get_object)(void *object);
// ssize_t g_mime_data_wrapper_write_to_stream(GMimeDataWrapper *wrapper, GMimeStream *stream);
typedef ssize_t (*trawl_g_mime_data_wrapper_write_to_stream)(void *wrapper, void *stream);
// GType g_mime_{multipart,message_part,part}_get_type(void); GType is a gsize.
typedef size_t (*trawl_g_mime_get_type)(void);
// gboolean g_type_check_instance_is_a(GTypeInstance *instance, GType iface_type): the function
// behind GObject's type-check macros (a subclass is its parent's type too).
typedef int (*trawl_g_type_check_instance_is_a)(void *instance, size_t type);
// gpointer g_object_ref(gpointer object);
typedef void *(*trawl_g_object_ref)(void *object);
// void g_object_unref(gpointer object);
typedef void (*trawl_g_object_unref)(void *object);
