import Glibc

/// A one-line progress bar on a terminal for large batches; silent under cron (stdout not a tty).
package struct ProgressLine {
    package let total: Int
    package let enabled: Bool
    private var lastDrawn = -1

    package init(total: Int, allowed: Bool) {
        self.total = total
        enabled = allowed && total >= 50 && isatty(1) == 1
    }

    package mutating func update(_ done: Int, _ label: String) {
        guard enabled else { return }
        let percent = done * 100 / max(total, 1)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = width * done / max(total, 1)
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        FileHandleStdout.write("\r\(label) [\(bar)] \(done)/\(total)")
    }

    package func finish() {
        guard enabled else { return }
        FileHandleStdout.write("\r\u{1B}[K")
    }
}

package enum FileHandleStdout {
    package static func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
    }
}
