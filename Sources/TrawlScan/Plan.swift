// The plan of a scan: which roots are walked, and how. It owns the walk's settings; the scanner
// runs each item the walk yields as a `FileJob`. (A split of the work across hosts belongs here.)
import TrawlCrawl

struct ScanPlan {
    let roots: [String]
    let crawl: CrawlOptions

    /// The walk of every root by `jobs` threads. With a state to compare with, the walk stats each
    /// file (size and change time decide what is carried over); without one, a regular file is
    /// listed unstat'ed and stat'ed through its descriptor when opened (`FileJob`).
    func walker(jobs: Int, comparesWithState: Bool) -> Walker {
        var crawl = crawl
        crawl.statFiles = comparesWithState
        return Walker(roots: roots, options: crawl, jobs: jobs)
    }
}
