// A shared library loaded when it is first needed, not when the program starts. It knows nothing
// of Trawl.
//
// Why: poppler-glib and Tesseract bring some seventy libraries with them (cairo, GLib, libcurl,
// GnuTLS, image codecs). Linked into the binary, every one of them was mapped and relocated at
// each start, about a third of the start-up time of every scan, diff or review, whether or not
// it met a PDF or an image. Opened with dlopen on first use, a run that reads none pays nothing
// for them, and a machine without them still runs: the files that need them are reported as
// unreadable, with the loader's reason.
#if canImport(Glibc)
import Glibc
#endif

/// Why a library or one of its functions could not be loaded, in the loader's words.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// An open shared library. It stays loaded for the life of the process (it is never closed), so
/// the functions looked up in it stay valid.
public final class DynamicLibrary: Sendable {
    // SAFETY: the handle is never closed, and dlsym may be called from any thread.
    private nonisolated(unsafe) let handle: UnsafeMutableRawPointer

    /// Opens the first of `names` (sonames, most specific first) that loads, with every symbol
    /// bound at once (a missing one fails here, not in the middle of a file).
    /// - Throws: `LoadError` with the loader's message for the last name tried.
    public init(_ names: [String]) throws(LoadError) {
        var message = "no library name given"
        for name in names {
            if let h = dlopen(name, RTLD_NOW | RTLD_LOCAL) {
                handle = h
                return
            }
            message = dlerror().map { String(cString: $0) } ?? "\(name) could not be loaded"
        }
        throw LoadError(description: message)
    }

    /// The function `symbol` of the library or of a library it depends on, as `type` (a
    /// `@convention(c)` function type, which must match the function's C declaration).
    /// - Throws: `LoadError` when there is no such symbol.
    public func function<Function>(_ symbol: String, as type: Function.Type) throws(LoadError) -> Function {
        guard let address = dlsym(handle, symbol) else {
            throw LoadError(description: dlerror().map { String(cString: $0) } ?? "no function \(symbol)")
        }
        return unsafeBitCast(address, to: Function.self)
    }
}
