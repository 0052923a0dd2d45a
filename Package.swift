// swift-tools-version:6.0
// Trawl: a data-discovery and classification scanner.
//
// Targets follow the stages of the pipeline (crawl, extract, detect, classify, report), each a
// sibling that speaks the shared types of TrawlModel; TrawlScan joins them; `trawl` is a thin CLI.
// C libraries sit behind one system-library target and one small safe wrapper each.
import PackageDescription

let package = Package(
    name: "Trawl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trawl", targets: ["trawl"]),
        .executable(name: "trawl-fuzz", targets: ["trawl-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // System libraries: a module map and one shim header each.
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(name: "CXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CGMime", providers: [.apt(["libgmime-3.0-0"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CACL", pkgConfig: "libacl", providers: [.apt(["libacl1-dev"])]),
        .systemLibrary(name: "CXlsxWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        // poppler-glib and Tesseract are opened when first needed (DynamicLibrary), not linked:
        // their targets hold only the declarations of the calls made through dlopen.
        .systemLibrary(name: "CPoppler"),
        .systemLibrary(name: "CTesseract"),
        // libsmbclient likewise (about a hundred libraries): its header gives the types only.
        .systemLibrary(name: "CSMBClient", providers: [.apt(["libsmbclient-dev"])]),
        .systemLibrary(name: "CHyperscan", pkgConfig: "libhs", providers: [.apt(["libhyperscan-dev"])]),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CProcess"),
        // libFuzzer's driver, declared for the fuzz targets (linked by -sanitize=fuzzer only).
        .systemLibrary(name: "CLibFuzzer"),

        // Safe wrappers: own the C objects, check every return code, know nothing of Trawl.
        .target(name: "PCRE2", dependencies: ["CPCRE2"], exclude: ["README.md"]),
        .target(name: "LibArchive", dependencies: ["CArchive"], exclude: ["README.md"]),
        .target(name: "LibXML2", dependencies: ["CXML2"], exclude: ["README.md"]),
        .target(name: "GMime", dependencies: ["CGMime", "DynamicLibrary"], exclude: ["README.md"]),
        // libphonenumber is C++: a small C++ target gives it a C interface that Swift calls.
        .target(name: "CPhoneNumber", exclude: ["README.md"],
                linkerSettings: [.linkedLibrary("phonenumber"), .linkedLibrary("protobuf")]),
        .target(name: "PhoneNumbers", dependencies: ["CPhoneNumber"], exclude: ["README.md"]),
        .target(name: "SQLite", dependencies: ["CSQLite"], exclude: ["README.md"]),
        .target(name: "POSIXACL", dependencies: ["CACL"], exclude: ["README.md"]),
        .target(name: "XlsxWriter", dependencies: ["CXlsxWriter"], exclude: ["README.md"]),
        .target(name: "DynamicLibrary", exclude: ["README.md"]),
        .target(name: "OwnerOnlyFiles", exclude: ["README.md"]),
        .target(name: "Poppler", dependencies: ["CPoppler", "DynamicLibrary"], exclude: ["README.md"]),
        .target(name: "OCR", dependencies: ["CTesseract", "DynamicLibrary"], exclude: ["README.md"]),
        .target(name: "SMBClient", dependencies: ["CSMBClient", "DynamicLibrary"], exclude: ["README.md"]),
        .target(name: "Hyperscan", dependencies: ["CHyperscan"], exclude: ["README.md"]),
        .target(name: "LibCrypto", dependencies: ["CLibCrypto"], exclude: ["README.md"]),
        .target(name: "ChildProcess", dependencies: ["CProcess"], exclude: ["README.md"]),

        // The stages.
        .target(name: "TrawlModel", exclude: ["README.md"]),
        .target(name: "TrawlCrawl", dependencies: ["TrawlModel", "POSIXACL", "SMBClient"], exclude: ["README.md"]),
        .target(name: "TrawlExtract", dependencies: ["TrawlModel", "LibArchive", "LibXML2", "GMime", "Poppler"], exclude: ["README.md"]),
        .target(name: "YAMLFiles", dependencies: ["Yams"], exclude: ["README.md"]),
        .target(name: "TrawlPatterns", dependencies: ["TrawlModel", "YAMLFiles"], exclude: ["README.md"]),
        .target(name: "TrawlDetect", dependencies: ["TrawlModel", "TrawlPatterns", "PCRE2", "Hyperscan", "PhoneNumbers"], exclude: ["README.md"]),
        .target(name: "TrawlClassify", dependencies: ["TrawlModel", "YAMLFiles"], exclude: ["README.md"]),
        .target(name: "TrawlReport", dependencies: ["TrawlModel", "LibCrypto", "OwnerOnlyFiles", "XlsxWriter"], exclude: ["README.md"]),
        .target(name: "TrawlState", dependencies: ["TrawlModel", "SQLite", "OwnerOnlyFiles"], exclude: ["README.md"]),
        .target(name: "TrawlDecisions", dependencies: ["TrawlModel", "TrawlReport", "SQLite", "Yams", "YAMLFiles"], exclude: ["README.md"]),
        // The review desk: a thin HTTP layer over the report and decisions modules.
        .target(name: "TrawlServe", dependencies: [
            "TrawlModel", "TrawlReport", "TrawlDecisions",
            .product(name: "Hummingbird", package: "hummingbird"),
        ], exclude: ["README.md"]),
        .target(name: "TrawlScan", dependencies: [
            "TrawlModel", "TrawlCrawl", "TrawlExtract", "TrawlPatterns", "TrawlDetect", "TrawlClassify", "TrawlReport", "TrawlState",
            "TrawlDecisions", "OCR", "ChildProcess", "SMBClient",
        ], exclude: ["README.md"]),
        .executableTarget(name: "trawl", dependencies: [
            "CMalloc", "ChildProcess", "TrawlScan", "TrawlExtract", "TrawlPatterns", "TrawlDetect", "TrawlClassify", "TrawlReport", "TrawlDecisions", "TrawlServe", "OCR", "LibCrypto", "SMBClient", "TrawlCrawl",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], exclude: ["README.md"]),
        // The fuzz targets (built for libFuzzer by scripts/fuzz) and, in an ordinary build, the
        // driver that replays the regression inputs.
        .executableTarget(name: "trawl-fuzz", dependencies: ["CLibFuzzer", "TrawlExtract", "TrawlDetect", "TrawlPatterns", "TrawlModel"], exclude: ["README.md"]),

        .testTarget(name: "TrawlDetectTests", dependencies: ["TrawlDetect", "TrawlPatterns", "TrawlModel", "Hyperscan", "PCRE2", "YAMLFiles", "Yams"]),
        .testTarget(name: "TrawlExtractTests", dependencies: ["TrawlExtract", "TrawlModel", "DynamicLibrary", "LibXML2", "LibArchive", "Poppler"]),
        .testTarget(name: "TrawlReportTests", dependencies: ["TrawlReport", "TrawlModel"]),
        .testTarget(name: "TrawlClassifyTests", dependencies: ["TrawlClassify", "TrawlModel"]),
        .testTarget(name: "TrawlEndToEndTests", dependencies: ["TrawlReport", "TrawlModel", "TrawlDecisions", "TrawlServe", "SMBClient"]),
        .testTarget(name: "TrawlDecisionsTests", dependencies: ["TrawlDecisions", "TrawlReport", "TrawlModel", "SQLite"]),
        .testTarget(name: "TrawlServeTests", dependencies: [
            "TrawlServe", "TrawlDecisions", "TrawlReport", "TrawlModel",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "TrawlStateTests", dependencies: ["TrawlState", "SQLite"]),
        .testTarget(name: "TrawlScanTests", dependencies: ["TrawlScan", "TrawlModel", "TrawlCrawl", "TrawlExtract"]),
    ],
    swiftLanguageModes: [.v6]
)
