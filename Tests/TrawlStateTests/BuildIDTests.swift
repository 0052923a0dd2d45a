import Foundation
import Testing
@testable import TrawlState

@Suite("BuildID")
struct BuildIDTests {
    /// The build ID read from the ELF headers and notes is the one binutils' readelf finds in the
    /// file of the running test executable.
    @Test func theRunningExecutablesIDIsTheOneReadelfFinds() throws {
        let readelf = Process()
        readelf.executableURL = URL(fileURLWithPath: "/usr/bin/readelf")
        readelf.arguments = ["-n", "/proc/\(ProcessInfo.processInfo.processIdentifier)/exe"]
        let pipe = Pipe()
        readelf.standardOutput = pipe
        try readelf.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        readelf.waitUntilExit()
        let line = try #require(output.split(separator: "\n").first { $0.contains("Build ID:") })
        let expected = line.split(separator: " ").last.map(String.init)
        #expect(BuildID.of() == expected)
    }

    /// Notes written by hand: another note first, then the build ID; a size past the end.
    @Test func theBuildIDNoteIsFoundAmongOthersAndAShortSegmentGivesNone() {
        func note(name: [UInt8], type: UInt32, description: [UInt8]) -> [UInt8] {
            func word(_ n: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(n).littleEndian, Array.init) }
            func pad(_ b: [UInt8]) -> [UInt8] { b + Array(repeating: 0, count: (4 - b.count % 4) % 4) }
            return word(name.count) + word(description.count) + word(Int(type)) + pad(name) + pad(description)
        }
        let abi = note(name: Array("GNU\0".utf8), type: 1, description: [0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
        let other = note(name: Array("Go\0".utf8), type: 3, description: [9, 9, 9])
        let id = note(name: Array("GNU\0".utf8), type: 3, description: [0xde, 0xad, 0xbe, 0xef, 0x01])
        let all = abi + other + id
        #expect(all.withUnsafeBytes { BuildID.gnuBuildID(in: $0) } == [0xde, 0xad, 0xbe, 0xef, 0x01])
        #expect(Array(all.dropLast(4)).withUnsafeBytes { BuildID.gnuBuildID(in: $0) } == nil)
        #expect((abi + other).withUnsafeBytes { BuildID.gnuBuildID(in: $0) } == nil)
    }
}
