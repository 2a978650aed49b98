import Glibc

extension PosixFS {
    /// The size of a file (following no link), or nil when it cannot be read.
    package static func fileSize(_ path: String) -> Int? {
        var info = stat()
        return lstat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// When a file was last modified (Unix time), or nil when it cannot be read.
    package static func modificationTime(_ path: String) -> Int? {
        var info = stat()
        return lstat(path, &info) == 0 ? Int(info.st_mtim.tv_sec) : nil
    }
}
