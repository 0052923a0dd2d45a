// libFuzzer's driver, called from the fuzz targets' own main (LLVM's FuzzerInterface.h). It is
// linked only into a build with -sanitize=fuzzer; an ordinary build declares it and never calls it.
// SwiftPM links an executable's main under a name of its own, which libFuzzer's main would
// clash with, so the fuzz build keeps Swift's main and hands the command line to this driver.
#include <stddef.h>
#include <stdint.h>

typedef int (*trawl_fuzzer_callback)(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, trawl_fuzzer_callback callback);
