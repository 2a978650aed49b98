import NIOPosix

extension Viewer {
    /// File work that blocks (`flock(2)` on the attempt counts, `fdatasync(2)` of the view record)
    /// runs on NIO's blocking-I/O thread pool, so a slow disk or another process holding a lock never
    /// stalls the executor that serves every other request.
    package static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
