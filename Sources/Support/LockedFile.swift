import Glibc

/// A small state file read and rewritten under an exclusive `flock(2)`, so that processes sharing a
/// spool (two viewers, parallel `mailbatch verify`) never lose each other's updates. The lock ends
/// with the process, so a kill -9 leaves nothing stale.
package enum LockedFile {
    /// Runs `body` on the file's bytes (empty when new) while holding the lock; writes back what it
    /// returns when that is not nil, flushed to disk before the lock is released.
    package static func update<T>(
        _ path: String, limit: Int = 1 << 20, _ body: ([UInt8]) throws(FileSystemError) -> (write: [UInt8]?, result: T)
    ) throws(FileSystemError) -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, PosixFS.fileMode)
        guard fd >= 0 else { throw FileSystemError("open", path) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw FileSystemError("lock", path) }
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileSystemError("inspect", path) }
        let size = min(Int(info.st_size), limit)
        var bytes = [UInt8](repeating: 0, count: size)
        var total = 0
        while total < size {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + total, size - total, off_t(total)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            total += n
        }
        let (replacement, result) = try body(Array(bytes[0..<total]))
        if let replacement {
            guard ftruncate(fd, 0) == 0 else { throw FileSystemError("truncate", path) }
            let written = replacement.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            guard written == replacement.count else { throw FileSystemError("write", path) }
            guard fdatasync(fd) == 0 else { throw FileSystemError("flush to disk", path) }
        }
        return result
    }
}
