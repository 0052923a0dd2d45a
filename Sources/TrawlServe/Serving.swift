// Starting the desk: bind, say where and with which token, serve until stopped.
import Foundation
import Hummingbird
import Logging
import TrawlDecisions

package enum DeskServer {
    /// Serves until the process is stopped (SIGINT or SIGTERM). Once listening, the latest run is
    /// read ahead of the first request (a report of 200,000 files takes seconds to read).
    /// - Parameters:
    ///   - announce: called once listening, with the port bound (useful with port 0).
    ///   - ready: called when the latest run has been read, with its name, files and seconds.
    package static func run(desk: Desk, access: Access, host: String, port: Int, title: String,
                            announce: @escaping @Sendable (Int) -> Void,
                            ready: @escaping @Sendable (String, Int, Double) -> Void = { _, _, _ in }) async throws {
        var logger = Logger(label: "trawl-serve")
        logger.logLevel = .warning
        let app = Application(
            router: deskRouter(desk: desk, access: access, title: title),
            configuration: .init(address: .hostname(host, port: port), serverName: "trawl"),
            onServerRunning: { channel in
                announce(channel.localAddress?.port ?? port)
                Task {
                    let start = ContinuousClock.now
                    guard let latest = await desk.warm() else { return }
                    let took = ContinuousClock.now - start
                    ready(latest.run, latest.files, Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
                }
            },
            logger: logger)
        try await app.runService()
    }
}
