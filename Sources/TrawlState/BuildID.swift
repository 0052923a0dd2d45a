// The build of the running executable, as the state's rules name it: the GNU build ID the linker
// writes into the executable's notes (a hash of the linked output), read from the few kilobytes
// of its ELF headers and notes. Hashing the whole executable (60 MB), which the ID stands for,
// costs a rescan of a small tree more than its lookups.
#if canImport(Glibc)
import Glibc
#endif

package enum BuildID {
    /// The GNU build ID of the executable at `path` (by default the running one, as the kernel
    /// has it open) in lower-case hex, or nil when it has none or is no 64-bit little-endian ELF.
    package static func of(executable path: String = "/proc/self/exe") -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        func read(_ count: Int, at offset: Int) -> [UInt8]? {
            guard count > 0, count <= 1 << 20, offset >= 0 else { return nil }
            let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, filled in
                filled = max(0, pread(fd, buffer.baseAddress, count, off_t(offset)))
            }
            return bytes.count == count ? bytes : nil
        }
        // The ELF header: magic, class 2 (64-bit), data 1 (little-endian); the program headers'
        // offset (at 32), entry size (54) and count (56).
        guard let header = read(64, at: 0), header[0..<4] == [0x7f, 0x45, 0x4c, 0x46], header[4] == 2, header[5] == 1
        else { return nil }
        func word<T: FixedWidthInteger>(_ bytes: [UInt8], _ at: Int, _: T.Type) -> Int {
            Int(bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: T.self)) })
        }
        let tableOffset = word(header, 32, UInt64.self), entrySize = word(header, 54, UInt16.self), count = word(header, 56, UInt16.self)
        guard entrySize >= 56, let table = read(entrySize * count, at: tableOffset) else { return nil }
        for i in 0..<count {
            let entry = i * entrySize
            // PT_NOTE is 4; a segment's offset in the file is at 8, its size in the file at 32.
            guard word(table, entry, UInt32.self) == 4,
                  let notes = read(word(table, entry + 32, UInt64.self), at: word(table, entry + 8, UInt64.self)),
                  let id = notes.withUnsafeBytes({ gnuBuildID(in: $0) }) else { continue }
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: id.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
        }
        return nil
    }

    /// The description of the first NT_GNU_BUILD_ID note named "GNU" in a segment of ELF notes:
    /// each a header of three 32-bit words (name size, description size, type), then the name and
    /// the description, each padded to four bytes. Nil when there is none or a size runs past
    /// the segment.
    static func gnuBuildID(in notes: UnsafeRawBufferPointer) -> [UInt8]? {
        func padded(_ n: Int) -> Int { (n + 3) & ~3 }
        var at = 0
        while notes.count - at >= 12 {
            let nameSize = Int(UInt32(littleEndian: notes.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            let descriptionSize = Int(UInt32(littleEndian: notes.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self)))
            let type = UInt32(littleEndian: notes.loadUnaligned(fromByteOffset: at + 8, as: UInt32.self))
            let name = at + 12, description = name + padded(nameSize), next = description + padded(descriptionSize)
            guard nameSize <= notes.count, descriptionSize <= notes.count, next <= notes.count else { return nil }
            // NT_GNU_BUILD_ID is 3; the name is "GNU" and its NUL.
            if type == 3, nameSize == 4, Array(notes[name..<name + 4]) == [71, 78, 85, 0], descriptionSize > 0 {
                return Array(notes[description..<description + descriptionSize])
            }
            at = next
        }
        return nil
    }
}
