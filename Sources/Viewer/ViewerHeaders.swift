package import HTTPTypes
package import Hummingbird

/// The headers every viewer response carries, errors included: no script but our own files, no
/// framing, no sniffing, no referrer, and nothing stored by the browser or a proxy.
package struct ViewerHeaders: RouterMiddleware {
    package typealias Context = ViewerContext
    package let viewer: Viewer

    package static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!
    package static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    package static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    package static let frameOptions = HTTPField.Name("X-Frame-Options")!

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = viewer.errorPage(error.status)
        } catch {
            context.logger.error("viewer request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            response = viewer.errorPage(.internalServerError)
        }
        response.headers[Self.contentSecurityPolicy] =
            "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        response.headers[Self.contentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[Self.frameOptions] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
