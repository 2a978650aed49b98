import WebSupport

extension Viewer {
    /// File work that blocks runs on NIO's blocking-I/O thread pool (`Blocking`).
    package static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await Blocking.run(body)
    }
}
