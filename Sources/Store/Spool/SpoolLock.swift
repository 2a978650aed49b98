import Glibc
package import Support

/// Keeps a second `mailbatch run` out of the spool. The kernel drops an flock when the process dies,
/// so a run killed with -9 never leaves a stale lock behind.
package final class SpoolLock {
    private let fd: Int32

    package enum Failure: Error {
        case heldByAnotherRun(String)
        case system(FileSystemError)
    }

    package init(path: String) throws(Failure) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .system(FileSystemError("open the lock file", path)) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .heldByAnotherRun(path) }
            throw .system(FileSystemError("lock", path, code: code))
        }
        self.fd = fd
        let pid = Array("\(getpid())\n".utf8)
        ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
