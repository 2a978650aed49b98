import Dispatch
import Synchronization

/// Processes a few claimed files at once, one per worker thread. Each file's work (render, write,
/// fsync) is independent of the others'; outcomes come back in the order of the names.
enum ParallelProcessing {
    /// An error from a worker, in a form that may cross threads.
    enum Failure: Error, Sendable {
        case fileSystem(FileSystemError)
        case configuration(ConfigurationError)
        case other(String)

        var error: any Error {
            switch self {
            case .fileSystem(let e): e
            case .configuration(let e): e
            case .other(let message): ConfigurationError(message)
            }
        }
    }

    static func process(_ names: [String], with processor: RecordProcessor) -> [Result<RecordOutcome, Failure>] {
        guard names.count > 1 else {
            return names.map { name in Result { () throws(Failure) in try wrap { try processor.process(name) } } }
        }
        let results = Mutex<[Result<RecordOutcome, Failure>?]>(Array(repeating: nil, count: names.count))
        DispatchQueue.concurrentPerform(iterations: names.count) { i in
            let result = Result { () throws(Failure) in try wrap { try processor.process(names[i]) } }
            results.withLock { $0[i] = result }
        }
        return results.withLock { $0.map { $0! } }
    }

    private static func wrap(_ body: () throws -> RecordOutcome) throws(Failure) -> RecordOutcome {
        do {
            return try body()
        } catch let error as FileSystemError {
            throw .fileSystem(error)
        } catch let error as ConfigurationError {
            throw .configuration(error)
        } catch {
            throw .other("\(error)")
        }
    }
}
