import Glibc

/// Text written straight to file descriptor 2, unbuffered (error messages and log lines).
package enum FileHandleStderr {
    package static func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
