// The shared stack of a parallel walk: folders to list and files to visit, taken by a pool of
// workers, with the busy count that decides when the walk is over. The local walk and the SMB walk
// both run on it.
import Foundation

/// The shared LIFO stack of work, with the busy count that decides termination.
final class WorkQueue<Work: Sendable>: @unchecked Sendable {
    // SAFETY: every field is read and written only while holding `condition`'s lock (a condition
    // variable, which Synchronization's Mutex does not offer: idle workers wait on it).
    private let condition = NSCondition()
    private var stack: [Work] = []
    private var busy = 0
    private var waiting = 0
    private var visitedDirectories: Set<[UInt64]> = []
    /// Most items a worker takes at once. Taking several per lock keeps two workers from
    /// contending on every small file (an incremental rescan does little else per file).
    private let batchLimit = 16

    /// Runs `jobs` workers until the walk is over, each handing every item it takes to `process`
    /// with its own index (0..<jobs). Items are taken from the end of a batch, moved out: a copy
    /// would retain each item's path once more.
    func run(jobs: Int, _ process: @Sendable (Work, Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            while var batch = pop() {
                while let work = batch.popLast() { process(work, worker) }
                finished()
            }
        }
    }

    func push(_ work: Work) {
        var one = [work]
        push(moving: &one)
    }

    /// Moves the items onto the stack, the last first (so that they are popped in their order),
    /// leaving `work` empty: moved, not copied (a copy retains each item's path and directory).
    func push(moving work: inout [Work]) {
        condition.lock()
        stack.reserveCapacity(stack.count + work.count)
        while let w = work.popLast() { stack.append(w) }
        if waiting > 0 { condition.broadcast() }
        condition.unlock()
    }

    /// The next items of work (LIFO), waiting while other workers may still produce some; nil
    /// when the walk is over. A non-nil result must be followed by `finished()`. A worker takes up
    /// to a sixteenth of the stack, so that the others still find work. The item to do first is
    /// the last of the batch.
    func pop() -> [Work]? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if !stack.isEmpty {
                let n = max(1, min(batchLimit, stack.count / 16))
                // Moved off the stack, the top last.
                var batch: [Work] = []
                batch.reserveCapacity(n)
                for _ in 0..<n { batch.append(stack.removeLast()) }
                batch.reverse()
                busy += 1
                return batch
            }
            if busy == 0 {
                condition.broadcast()
                return nil
            }
            waiting += 1
            condition.wait()
            waiting -= 1
        }
    }

    func finished() {
        condition.lock()
        busy -= 1
        if busy == 0 && waiting > 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Records a directory as entered; false if it had been entered before (a link loop).
    func enterDirectoryOnce(device: UInt64, inode: UInt64) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return visitedDirectories.insert([device, inode]).inserted
    }
}
