import Dispatch
import Foundation
package import Support
import Synchronization

/// A fixed set of long-lived worker threads for one run. Each thread keeps its own pango font map
/// (pango's default font map is per thread), so the fonts are loaded once per worker and memory
/// stays flat however many records a run takes; a thread pool that came and went would load them anew.
package enum WorkerPool {
    /// Calls `body(i)` for every i in 0..<count on `workers` threads; stops handing out work once
    /// `shouldStop` says so. Returns when every thread is done.
    package static func run(workers: Int, count: Int, shouldStop: @escaping @Sendable () -> Bool, body: @escaping @Sendable (Int) -> Void) {
        let next = Mutex(0)
        let loop: @Sendable () -> Void = {
            while !shouldStop() {
                let i = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                if i >= count { return }
                body(i)
            }
        }
        let threads = min(workers, count)
        if threads <= 1 {
            loop()
            return
        }
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            let thread = Thread {
                loop()
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
    }
}

/// An error from a worker, in a form that may cross threads.
package enum WorkerFailure: Error, Sendable {
    case fileSystem(FileSystemError)
    case configuration(ConfigurationError)
    case other(String)

    package init(_ error: any Error) {
        switch error {
        case let e as FileSystemError: self = .fileSystem(e)
        case let e as ConfigurationError: self = .configuration(e)
        default: self = .other("\(error)")
        }
    }

    package var error: any Error {
        switch self {
        case .fileSystem(let e): e
        case .configuration(let e): e
        case .other(let message): ConfigurationError(message)
        }
    }
}
