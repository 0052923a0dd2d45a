// Starting the desk: bind, say where and with which token, serve until stopped.
import Foundation
import Hummingbird
import Logging
import TrawlDecisions

package enum DeskServer {
    /// Serves until the process is stopped (SIGINT or SIGTERM).
    /// - Parameter announce: called once listening, with the port bound (useful with port 0).
    package static func run(desk: Desk, access: Access, host: String, port: Int, title: String,
                            announce: @escaping @Sendable (Int) -> Void) async throws {
        var logger = Logger(label: "trawl-serve")
        logger.logLevel = .warning
        let app = Application(
            router: deskRouter(desk: desk, access: access, title: title),
            configuration: .init(address: .hostname(host, port: port), serverName: "trawl"),
            onServerRunning: { channel in announce(channel.localAddress?.port ?? port) },
            logger: logger)
        try await app.runService()
    }
}
