import HTTPTypes
package import Hummingbird
import WebSupport

/// The headers every viewer response carries, errors included: no script but our own files, no
/// framing, no sniffing, no referrer, and nothing stored by the browser or a proxy.
package struct ViewerHeaders: RouterMiddleware {
    package typealias Context = ViewerContext
    package let viewer: Viewer

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
        SecurityHeaders.apply(to: &response.headers)
        return response
    }
}
