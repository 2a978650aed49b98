import Config
import Glibc
package import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Model
import NIOCore
import NIOSSL
import WebSupport

/// `mailbatch serve`: the viewer's routes on Hummingbird, plain HTTP behind a reverse proxy or TLS
/// of its own, stopped gracefully by SIGTERM or SIGINT (requests in flight finish first).
package struct ViewerServer {
    package var viewer: Viewer
    package let host: String
    package let port: Int
    package var tls: (certificate: String, key: String)?

    package func router() -> Router<ViewerContext> {
        let viewer = viewer
        let router = Router(context: ViewerContext.self)
        router.add(middleware: ViewerHeaders(viewer: viewer))
        router.get("/healthz") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        router.get("/") { request, _ in viewer.form(request) }
        router.post("/lookup") { request, context in try await viewer.lookup(request, context) }
        router.get("/certificate") { request, _ in viewer.certificatePage(request) }
        router.get("/certificate/certificate.pdf") { request, _ in viewer.certificatePDF(request) }
        router.get("/certificate/data.json") { request, _ in viewer.certificateData(request) }
        router.post("/certificate/receipt") { request, _ in await viewer.requestReceipt(request) }
        router.get("/receipt/:secret") { request, context in viewer.receiptPage(request, secret: context.parameters.get("secret") ?? "") }
        router.post("/receipt/:secret") { request, context in await viewer.confirmReceipt(request, context, secret: context.parameters.get("secret") ?? "") }
        router.post("/logout") { request, _ in try await viewer.logout(request) }
        router.get("/check") { request, _ in viewer.checkForm(request) }
        router.post("/check") { request, context in try await viewer.check(request, context) }
        router.get("/static/viewer.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(bytes: viewer.pages.stylesheet)))
        }
        return router
    }

    package func run() async throws {
        let logger = viewer.logger
        let settings = viewer.settings
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestHeadTimeout(seconds: settings.headerTimeoutSeconds, logger: logger)],
            idleTimeout: .seconds(Int64(settings.idleTimeoutSeconds)))
        var server = HTTPServerBuilder.http1(configuration: http1)
        if let tls {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
            server = try .tls(.http1(configuration: http1), tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        }
        let scheme = tls == nil ? "http" : "https"
        let app = Application(
            router: router(), server: server,
            configuration: .init(
                address: .hostname(host, port: port), serverName: nil,
                availableConnectionsDelegate: ConnectionCap(maximum: settings.maxConnections, logger: logger)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                // Tests and operators read the bound port here (with --listen HOST:0 the system picks one).
                let line = Array("mailbatch serve: listening on \(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)/\n".utf8)
                _ = line.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
                logger.notice("viewer listening", metadata: ["host": "\(host)", "port": "\(port)", "tls": "\(tls != nil)"])
            },
            logger: logger)
        try await app.runService()
        logger.notice("viewer stopped")
    }

    package init(viewer: Viewer, host: String, port: Int, tls: (certificate: String, key: String)? = nil) {
        self.viewer = viewer
        self.host = host
        self.port = port
        self.tls = tls
    }
}
