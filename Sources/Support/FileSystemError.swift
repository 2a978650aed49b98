import Glibc

/// A file-system call that failed, with the path and the system's reason, so an operator knows
/// which file to look at (a full disk, a read-only spool, a permission).
package struct FileSystemError: Error, Sendable, CustomStringConvertible {
    package let operation: String
    package let path: String
    package let code: Int32

    package init(_ operation: String, _ path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    package var description: String {
        let reason = String(cString: strerror(code))
        let hint: String
        switch code {
        case ENOSPC: hint = " (the disk is full: free space, then run again)"
        case EROFS: hint = " (the file system is read-only: remount it read-write, then run again)"
        case EACCES, EPERM: hint = " (permission denied: run as the spool's owner)"
        case EDQUOT: hint = " (disk quota exceeded)"
        default: hint = ""
        }
        return "cannot \(operation) \(path): \(reason)\(hint)"
    }

}
