import Config
import Glibc
package import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import WebSupport

/// `mailbatch desk`: the desk's routes on Hummingbird, plain HTTP on the company network (behind a
/// reverse proxy that terminates TLS), stopped gracefully by SIGTERM or SIGINT.
package struct DeskServer {
    package var desk: Desk
    package let host: String
    package let port: Int

    package init(desk: Desk, host: String, port: Int) {
        self.desk = desk
        self.host = host
        self.port = port
    }

    package func router() -> Router<DeskContext> {
        let desk = desk
        let router = Router(context: DeskContext.self)
        router.add(middleware: DeskHeaders(desk: desk))
        router.get("/healthz") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        router.get("/static/desk.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "private, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(bytes: desk.pages.stylesheet)))
        }
        router.get("/signin") { request, context in desk.signInForm(request, context) }
        router.post("/signin") { request, context in try await desk.signIn(request, context) }
        router.post("/signout") { request, context in await desk.signOut(request, context) }
        router.get("/") { request, context in try await desk.signedIn(request, context) { try await desk.home(request, $0) } }
        router.get("/search") { request, context in try await desk.signedIn(request, context) { try await desk.search(request, $0) } }
        router.get("/contract/:number") { request, context in
            let number = context.parameters.get("number") ?? ""
            return try await desk.signedIn(request, context) { try await desk.contract(number, $0) }
        }
        router.get("/contract/:number/documents/:file") { request, context in
            let (number, file) = (context.parameters.get("number") ?? "", context.parameters.get("file") ?? "")
            return try await desk.signedIn(request, context) { desk.document(number, version: nil, file: file, $0) }
        }
        router.get("/contract/:number/versions/:version/documents/:file") { request, context in
            let (number, file, version) = (
                context.parameters.get("number") ?? "", context.parameters.get("file") ?? "", context.parameters.get("version") ?? ""
            )
            return try await desk.signedIn(request, context) { desk.document(number, version: version, file: file, $0) }
        }
        for action in DeskAction.onContract {
            router.get("/contract/:number/\(action.rawValue)") { request, context in
                let number = context.parameters.get("number") ?? ""
                return try await desk.signedIn(request, context) { desk.actionForm(action, subject: number, $0) }
            }
            router.post("/contract/:number/\(action.rawValue)") { request, context in
                try await desk.act(action, subject: context.parameters.get("number") ?? "", request, context)
            }
        }
        router.get("/held/:name/release") { request, context in
            let name = context.parameters.get("name") ?? ""
            return try await desk.signedIn(request, context) { desk.actionForm(.release, subject: name, $0) }
        }
        router.post("/held/:name/release") { request, context in
            try await desk.act(.release, subject: context.parameters.get("name") ?? "", request, context)
        }
        return router
    }

    package func run() async throws {
        let logger = desk.logger
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestHeadTimeout(seconds: 10, logger: logger)], idleTimeout: .seconds(60))
        let (host, port) = (host, port)
        let app = Application(
            router: router(), server: .http1(configuration: http1),
            configuration: .init(
                address: .hostname(host, port: port), serverName: nil, availableConnectionsDelegate: ConnectionCap(maximum: 256, logger: logger)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                // Tests and operators read the bound port here (with --listen HOST:0 the system picks one).
                let line = Array("mailbatch desk: listening on http://\(host.contains(":") ? "[\(host)]" : host):\(port)/\n".utf8)
                _ = line.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
                logger.notice("desk listening", metadata: ["host": "\(host)", "port": "\(port)"])
            },
            logger: logger)
        try await app.runService()
        logger.notice("desk stopped")
    }
}

extension Desk {
    /// Runs `page` for a signed-in person; anyone else is sent to the sign-in form.
    package func signedIn(_ request: Request, _ context: DeskContext, _ page: (Visitor) async throws -> Response) async throws -> Response {
        guard let visitor = visitor(request, context) else { return redirect("/signin") }
        return try await page(visitor)
    }
}

/// The headers every desk response carries (`SecurityHeaders`, as the viewer's), and the error pages.
package struct DeskHeaders: RouterMiddleware {
    package typealias Context = DeskContext
    package let desk: Desk

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = desk.errorPage(error.status)
        } catch {
            context.logger.error("desk request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = desk.errorPage(.internalServerError)
        }
        SecurityHeaders.apply(to: &response.headers)
        return response
    }
}
