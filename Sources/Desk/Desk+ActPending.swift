package import Hummingbird

extension Desk {
    package func act(_ action: DeskAction, subject: String, _ request: Request, _ context: DeskContext) async throws -> Response {
        errorPage(.serviceUnavailable)
    }
}
