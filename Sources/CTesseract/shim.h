// The Tesseract and Leptonica calls Trawl makes, declared as function-pointer types: libtesseract
// is opened (dlopen) when the first image is read with --ocr, not linked, so these are not the
// libraries' own headers. Each type must match the declaration in <tesseract/capi.h> or
// <leptonica/allheaders.h> (Tesseract 5, Leptonica 1.82); the OCR test exercises every one.
#include <stddef.h>
#include <stdint.h>

// TessBaseAPI *TessBaseAPICreate(void);
typedef void *(*trawl_TessBaseAPICreate)(void);
// void TessBaseAPIDelete(TessBaseAPI *handle); void TessBaseAPIEnd(TessBaseAPI *handle);
// void TessBaseAPIClear(TessBaseAPI *handle);
typedef void (*trawl_TessBaseAPIHandle)(void *handle);
// BOOL TessBaseAPISetVariable(TessBaseAPI *handle, const char *name, const char *value); (BOOL is int)
typedef int (*trawl_TessBaseAPISetVariable)(void *handle, const char *name, const char *value);
// int TessBaseAPIInit3(TessBaseAPI *handle, const char *datapath, const char *language);
typedef int (*trawl_TessBaseAPIInit3)(void *handle, const char *datapath, const char *language);
// void TessBaseAPISetImage2(TessBaseAPI *handle, struct Pix *pix);
typedef void (*trawl_TessBaseAPISetImage2)(void *handle, void *pix);
// char *TessBaseAPIGetUTF8Text(TessBaseAPI *handle);
typedef char *(*trawl_TessBaseAPIGetUTF8Text)(void *handle);
// void TessDeleteText(const char *text);
typedef void (*trawl_TessDeleteText)(const char *text);
// PIX *pixReadMem(const l_uint8 *data, size_t size);
typedef void *(*trawl_pixReadMem)(const uint8_t *data, size_t size);
// void pixDestroy(PIX **ppix);
typedef void (*trawl_pixDestroy)(void **ppix);
