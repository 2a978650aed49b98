import Glibc

/// The OS user running mailbatch, for the contract's history. Looked up once: getpwuid is not
/// thread-safe, so a run reads it before its worker threads start.
package enum ProcessUser {
    package static let name: String = {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid \(geteuid())"
    }()
}
