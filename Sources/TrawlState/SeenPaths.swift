// The paths a run saw, as their hashes (`StateStore.hash`), for finding at the end the stored
// files it did not see. Eight bytes a path, appended as each is seen and sorted once at the end:
// a set of them would take two to four times the bytes (its table is kept at most three quarters
// full and doubles as it grows, the old table beside the new while it does), and this is the part
// of a rescan's memory that grows with the share.

struct SeenPaths {
    private var hashes: [Int] = []
    /// Sorted, each hash once: true once `settle` has run and nothing was added since.
    private var settled = true

    mutating func insert(_ hash: Int) {
        hashes.append(hash)
        settled = false
    }

    /// Takes in the hashes of `other`, leaving it empty.
    mutating func take(_ other: inout SeenPaths) {
        if other.hashes.count > hashes.count { swap(&hashes, &other.hashes) }
        hashes += other.hashes
        other = SeenPaths()
        settled = hashes.isEmpty
    }

    /// Sorts the hashes and drops repeats (a path seen twice, under roots that overlap). Call
    /// before `count` and `contains`.
    mutating func settle() {
        guard !settled else { return }
        hashes.sort()
        var kept = 0
        for hash in hashes where kept == 0 || hashes[kept - 1] != hash {
            hashes[kept] = hash
            kept += 1
        }
        hashes.removeLast(hashes.count - kept)
        settled = true
    }

    /// How many paths were seen (after `settle`).
    var count: Int { hashes.count }

    /// Whether a path with this hash was seen (after `settle`).
    func contains(_ hash: Int) -> Bool {
        precondition(settled, "SeenPaths.contains before settle")
        var low = 0, high = hashes.count
        while low < high {
            let middle = (low + high) / 2
            if hashes[middle] < hash { low = middle + 1 } else { high = middle }
        }
        return low < hashes.count && hashes[low] == hash
    }
}
