import NIOPosix

/// File work that blocks (`flock(2)`, `fdatasync(2)`, a slow password hash) runs on NIO's blocking-I/O
/// thread pool, so a slow disk or another process holding a lock never stalls the executor that
/// serves every other request.
package enum Blocking {
    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
