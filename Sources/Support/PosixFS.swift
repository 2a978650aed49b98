package import CLinux
import Glibc

/// The few file-system operations the spool is built on, as thin wrappers over POSIX calls:
/// every write goes to a temp file, is fsync'ed, renamed over the target and the folder fsync'ed.
package enum PosixFS {
    package static let fileMode: mode_t = 0o600
    package static let folderMode: mode_t = 0o700

    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates a folder (and its parents) owner-only; an existing folder is left as it is.
    package static func makeDirectory(_ path: String) throws(FileSystemError) {
        if isDirectory(path) { return }
        let parent = parentPath(path)
        if parent != path, !parent.isEmpty, !isDirectory(parent) { try makeDirectory(parent) }
        if mkdir(path, folderMode) != 0, errno != EEXIST { throw FileSystemError("create the folder", path) }
        chmod(path, folderMode)
    }

    package static func parentPath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    package static func lastComponent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Writes bytes durably and atomically: readers see the old file or the whole new one, never a part.
    /// The temp file is made in `tempFolder` (same file system), so a crash leaves debris only there.
    package static func writeAtomically(
        _ bytes: some Collection<UInt8>, to path: String, tempFolder: String, mode: mode_t = fileMode
    ) throws(FileSystemError) {
        let temp = "\(tempFolder)/.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(lastComponent(path))"
        try writeNew(bytes, to: temp, sync: true, mode: mode)
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw FileSystemError("rename into place", path, code: code)
        }
        try syncDirectory(parentPath(path))
    }

    /// Creates a file that must not exist yet, owner-only, optionally fsync'ed.
    package static func writeNew(_ bytes: some Collection<UInt8>, to path: String, sync: Bool, mode: mode_t = fileMode) throws(FileSystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileSystemError("create", path) }
        defer { close(fd) }
        fchmod(fd, mode)
        let array = Array(bytes)
        var written = 0
        while written < array.count {
            let n = array.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + written, array.count - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                unlink(path)
                throw FileSystemError("write", path, code: code)
            }
            written += n
        }
        if sync, fsync(fd) != 0 {
            let code = errno
            unlink(path)
            throw FileSystemError("flush to disk", path, code: code)
        }
    }

    /// Flushes the whole file system holding `path` (syncfs(2)): every file and folder written on it
    /// is on disk when this returns, and a write-back error since the last call is reported (Linux
    /// 5.8 and later). One call instead of an fsync per file when many new files must be durable at once.
    package static func syncFileSystem(_ path: String) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError("open the folder", path) }
        defer { close(fd) }
        if mb_syncfs(fd) != 0 { throw FileSystemError("flush the file system of", path) }
    }

    package static func syncDirectory(_ path: String) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError("open the folder", path) }
        defer { close(fd) }
        if fsync(fd) != 0, errno != EINVAL { throw FileSystemError("flush the folder", path) }
    }

    package enum ReadOutcome {
        case bytes([UInt8])
        case tooLarge(Int)
        case notRegularFile(String)
    }

    /// Reads a regular file without following a symbolic link and without blocking on a FIFO;
    /// a file over `limit` bytes is refused unread.
    package static func readRegularFile(_ path: String, limit: Int) throws(FileSystemError) -> ReadOutcome {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            if errno == ELOOP { return .notRegularFile("a symbolic link") }
            throw FileSystemError("open", path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileSystemError("inspect", path) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .notRegularFile("a folder")
        case S_IFIFO: return .notRegularFile("a FIFO (named pipe)")
        case S_IFSOCK: return .notRegularFile("a socket")
        default: return .notRegularFile("not a regular file")
        }
        let size = Int(info.st_size)
        if size > limit { return .tooLarge(size) }
        var buffer = [UInt8](repeating: 0, count: size + 1)
        var total = 0
        while total < buffer.count {
            let n = buffer.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress! + total, raw.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("read", path)
            }
            if n == 0 { break }
            total += n
            if total > limit { return .tooLarge(total) }
            if total == buffer.count { buffer.append(contentsOf: repeatElement(0, count: 4096)) }
        }
        return .bytes(Array(buffer[0..<total]))
    }

    /// Reads a small file the spool itself wrote.
    package static func read(_ path: String) throws(FileSystemError) -> [UInt8] {
        switch try readRegularFile(path, limit: 64 << 20) {
        case .bytes(let bytes): return bytes
        case .tooLarge: throw FileSystemError("read (too large)", path, code: EFBIG)
        case .notRegularFile: throw FileSystemError("read (not a regular file)", path, code: EINVAL)
        }
    }

    /// The names in a folder as raw bytes (a name need not be UTF-8), without `.` and `..`, sorted.
    package static func listRaw(_ path: String) throws(FileSystemError) -> [[UInt8]] {
        guard let dir = opendir(path) else { throw FileSystemError("list the folder", path) }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The names in a folder that are valid UTF-8, sorted.
    package static func list(_ path: String) throws(FileSystemError) -> [String] {
        try listRaw(path).compactMap { String(validating: $0, as: UTF8.self) }
    }

    package static func move(_ from: String, to: String) throws(FileSystemError) {
        guard rename(from, to) == 0 else { throw FileSystemError("move \(from) to", to) }
    }

    package static func remove(_ path: String) throws(FileSystemError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw FileSystemError("remove", path) }
    }

    /// Removes a folder tree the spool itself built (a half-built temp folder), never following links.
    package static func removeTree(_ path: String) throws(FileSystemError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in try listRaw(path) {
                try removeTree(path + "/" + String(decoding: name, as: UTF8.self))
            }
            guard rmdir(path) == 0 else { throw FileSystemError("remove the folder", path) }
        } else {
            try remove(path)
        }
    }
}

extension PosixFS {
    /// Appends one line to a log file (created owner-only) and flushes it.
    package static func appendLine(_ line: String, to path: String, sync: Bool = true) throws(FileSystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw FileSystemError("open", path) }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard n == bytes.count else { throw FileSystemError("append to", path) }
        if sync, fsync(fd) != 0 { throw FileSystemError("flush to disk", path) }
    }

    /// Renames using raw name bytes, for entries whose names are not valid UTF-8.
    package static func moveRaw(_ folder: String, _ name: [UInt8], to path: String) throws(FileSystemError) {
        let source = Array(folder.utf8) + [UInt8(ascii: "/")] + name + [0]
        let ok = source.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { rename($0.baseAddress!, path) == 0 }
        }
        guard ok else { throw FileSystemError("move an entry of \(folder) to", path) }
    }
}

extension PosixFS {
    /// Swaps two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE): a reader sees the old
    /// contract folder or the new one, never neither.
    package static func exchange(_ a: String, _ b: String) throws(FileSystemError) {
        guard mb_rename_exchange(a, b) == 0 else { throw FileSystemError("swap \(a) with", b) }
    }
}
