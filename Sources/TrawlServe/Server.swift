// The desk's HTTP layer: routes over `Desk`, and who is asking. Hummingbird serves; nothing here
// parses a report or keeps a decision.
//
// Who is asking: a random access token, made at start and printed once, is the one credential.
// The browser trades it for an HttpOnly, SameSite=Strict cookie at /login; scripts may send it as
// a bearer token. Decisions are recorded under the token's user (the account running serve, or
// --user). Behind the organisation's reverse proxy and single sign-on, serve can instead trust a
// header the proxy sets with the signed-in user (--trust-user-header); it must then listen only
// where the proxy alone reaches it (docs/review.md).
import Foundation
import Hummingbird
import TrawlDecisions
import TrawlModel
import TrawlReport

/// A request's context: who is asking, once the access check has said so.
package struct DeskContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    package var user: String?

    package init(source: Source) {
        coreContext = .init(source: source)
        user = nil
    }
}

/// How serve tells who is asking.
package struct Access: Sendable {
    package var token: String
    package var tokenUser: String
    /// A header set by a trusted reverse proxy with the signed-in user's name.
    package var trustedUserHeader: String?

    package static let cookieName = "trawl_desk"

    package init(token: String = Access.newToken(), tokenUser: String, trustedUserHeader: String? = nil) {
        self.token = token
        self.tokenUser = tokenUser
        self.trustedUserHeader = trustedUserHeader
    }

    /// 32 random bytes as hex.
    package static func newToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    /// Compares without stopping at the first difference.
    func accepts(_ offered: Substring?) -> Bool {
        guard let offered else { return false }
        let a = Array(offered.utf8), b = Array(token.utf8)
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    /// The user a request speaks for, or nil.
    func user(of request: Request) -> String? {
        if let name = trustedUserHeader?.lowercased(),
           let user = request.headers.first(where: { $0.name.canonicalName == name })?.value, !user.isEmpty {
            return user
        }
        if let auth = request.headers[.authorization], auth.hasPrefix("Bearer "), accepts(auth.dropFirst(7)) { return tokenUser }
        if let cookie = request.cookies[Self.cookieName], accepts(Substring(cookie.value)) { return tokenUser }
        return nil
    }
}

/// Answers 401 to any API request that does not say who it is.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = DeskContext
    let access: Access

    func handle(_ request: Request, context: DeskContext, next: (Request, DeskContext) async throws -> Response) async throws -> Response {
        var context = context
        context.user = access.user(of: request)
        if request.uri.path.hasPrefix("/api/") && context.user == nil {
            return DeskResponse.json(["error": "log in with the access token printed when serve started"], status: .unauthorized)
        }
        return try await next(request, context)
    }
}

enum DeskResponse {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: any Error) -> Response {
        let e = error as? DeskError ?? DeskError(500, "\(error)")
        return json(["error": e.message], status: HTTPResponse.Status(code: e.status))
    }

    static func download(_ text: String, type: String, name: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-store", .contentDisposition: "attachment; filename=\"\(name)\""],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                        .contentSecurityPolicy: "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

struct Login: Decodable { var token: String }
struct Closing: Decodable { var reason: String }

/// The routes of the desk.
package func deskRouter(desk: Desk, access: Access, title: String = "Trawl desk") -> Router<DeskContext> {
    let router = Router(context: DeskContext.self)
    router.middlewares.add(AccessMiddleware(access: access))

    router.get("/") { _, _ in DeskResponse.html(DeskPage.html(title: title)) }
    router.post("/login") { request, context in
        let login = try await request.decode(as: Login.self, context: context)
        guard access.accepts(Substring(login.token)) else {
            return DeskResponse.json(["error": "that is not the access token"], status: .unauthorized)
        }
        var response = DeskResponse.json(["user": access.tokenUser])
        response.setCookie(Cookie(name: Access.cookieName, value: access.token, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }
    router.get("/api/whoami") { _, context in DeskResponse.json(["user": context.user ?? ""]) }
    router.get("/api/runs") { _, _ in DeskResponse.json(await desk.runs()) }
    router.get("/api/files") { request, _ in
        let p = request.uri.queryParameters
        var q = FileQuery()
        func value(_ k: String) -> String? { p[Substring(k)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        q.level = value("level").flatMap(Level.init(rawValue:))
        q.type = value("type")
        q.folder = value("folder")
        q.owner = value("owner")
        q.assignee = value("assignee")
        q.text = value("q")
        q.newOnly = value("new") == "1"
        q.decided = value("decided").map { $0 == "yes" }
        q.page = value("page").flatMap(Int.init) ?? 0
        q.pageSize = value("size").flatMap(Int.init) ?? 50
        do { return DeskResponse.json(try await desk.page(value("run"), q)) } catch { return DeskResponse.error(error) }
    }
    router.get("/api/file") { request, _ in
        let p = request.uri.queryParameters
        guard let path = p["path"].map(String.init) else { return DeskResponse.error(DeskError(400, "which file? (path=...)")) }
        do {
            return DeskResponse.json(try await desk.file(p["run"].map(String.init), path: path, reveal: p["reveal"] == "1"))
        } catch { return DeskResponse.error(error) }
    }
    router.get("/api/diff") { request, _ in
        let p = request.uri.queryParameters
        guard let old = p["old"].map(String.init), let new = p["new"].map(String.init) else {
            return DeskResponse.error(DeskError(400, "which runs? (old=...&new=...)"))
        }
        let format = p["format"].map(String.init) ?? "json"
        guard let written = DiffFormat(rawValue: format), written != .text else {
            return DeskResponse.error(DeskError(400, "format is json, csv or html"))
        }
        do {
            let diff = try await desk.diff(old: old, new: new)
            switch written {
            case .html: return DeskResponse.html(diff.html())
            case .csv: return DeskResponse.download(diff.csv(), type: "text/csv; charset=utf-8", name: "diff.csv")
            default:
                // `limit`: each list cut to its first so many (the desk's comparison shows 200).
                if let limit = p["limit"].flatMap({ Int(String($0)) }), limit >= 0 { return DeskResponse.json(diff.limited(to: limit)) }
                return DeskResponse.json(diff)
            }
        } catch { return DeskResponse.error(error) }
    }
    router.get("/api/decisions") { _, _ in
        do { return DeskResponse.json(try await desk.decisions()) } catch { return DeskResponse.error(error) }
    }
    router.get("/api/history") { _, _ in
        do { return DeskResponse.json(try await desk.history()) } catch { return DeskResponse.error(error) }
    }
    router.post("/api/decisions") { request, context in
        guard request.headers[.contentType]?.hasPrefix("application/json") == true else {
            return DeskResponse.error(DeskError(415, "send the decision as JSON"))
        }
        let r: DecisionRequest
        do { r = try await request.decode(as: DecisionRequest.self, context: context) } catch {
            return DeskResponse.error(DeskError(400, "not a decision: \(error)"))
        }
        do { return DeskResponse.json(try await desk.decide(r, by: context.user ?? access.tokenUser), status: .created) } catch {
            return DeskResponse.error(error)
        }
    }
    router.post("/api/decisions/:id/close") { request, context in
        guard let id = context.parameters.get("id", as: Int64.self) else { return DeskResponse.error(DeskError(400, "which decision?")) }
        guard request.headers[.contentType]?.hasPrefix("application/json") == true else {
            return DeskResponse.error(DeskError(415, "send the reason as JSON"))
        }
        let c: Closing
        do { c = try await request.decode(as: Closing.self, context: context) } catch {
            return DeskResponse.error(DeskError(400, "closing needs a reason"))
        }
        do {
            try await desk.close(id: id, reason: c.reason, by: context.user ?? access.tokenUser)
            return DeskResponse.json(["closed": id])
        } catch { return DeskResponse.error(error) }
    }
    return router
}
