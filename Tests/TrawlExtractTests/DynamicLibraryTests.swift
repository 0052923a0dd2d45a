import Testing
import DynamicLibrary

/// The loader poppler-glib and Tesseract are opened through, on the C library every Linux
/// process has (the PDF and image samples exercise the two libraries themselves).
@Suite struct DynamicLoading {
    @Test func aFunctionLookedUpByNameIsCalledThroughItsCType() throws {
        let libc = try DynamicLibrary(["libc.so.6"])
        let strlen = try libc.function("strlen", as: (@convention(c) (UnsafePointer<CChar>) -> Int).self)
        #expect("personal data".withCString { strlen($0) } == 13)
    }

    @Test func theFirstNameThatLoadsIsUsed() throws {
        let libc = try DynamicLibrary(["libtrawl-no-such-library.so.1", "libc.so.6"])
        _ = try libc.function("strlen", as: (@convention(c) (UnsafePointer<CChar>) -> Int).self)
    }

    @Test func aLibraryThatIsNotThereIsAnErrorNamingIt() {
        #expect {
            try DynamicLibrary(["libtrawl-no-such-library.so.1"])
        } throws: { error in
            "\(error)".contains("libtrawl-no-such-library.so.1")
        }
    }

    @Test func aFunctionThatIsNotThereIsAnErrorNamingIt() throws {
        let libc = try DynamicLibrary(["libc.so.6"])
        #expect {
            try libc.function("trawl_no_such_function", as: (@convention(c) () -> Void).self)
        } throws: { error in
            "\(error)".contains("trawl_no_such_function")
        }
    }
}
