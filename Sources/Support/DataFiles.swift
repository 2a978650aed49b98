import Glibc

/// Where mailbatch finds the data it ships (templates, the orderer directory): an explicit lookup,
/// never SwiftPM's build path. In order: `$MAILBATCH_DATA`; next to the binary (the build folder's
/// `mailbatch_*.resources`, or `share/mailbatch` beside it); `../share/mailbatch` relative to the
/// binary (an install under a prefix). When nothing is found the error names every place tried.
package enum DataFiles {
    package static let variable = "MAILBATCH_DATA"

    package struct Missing: Error, CustomStringConvertible {
        package let what: String
        package let tried: [String]
        package var description: String {
            "\(what) not found (looked in \(tried.joined(separator: ", "))); reinstall mailbatch (scripts/install or the .deb), or set \(DataFiles.variable) to its data folder (…/share/mailbatch)"
        }

        package init(what: String, tried: [String]) {
            self.what = what
            self.tried = tried
        }
    }

    /// The folder of the shipped `.mustache` templates.
    package static func templatesDirectory() throws(Missing) -> String {
        try first("the shipped templates", candidates(installed: "templates", built: "mailbatch_Templates.resources/mustache"), PosixFS.isDirectory)
    }

    /// The shipped orderer directory, `orderers.toml`.
    package static func ordererFile() throws(Missing) -> String {
        try first(
            "the shipped orderer directory (orderers.toml)", candidates(installed: "orderers.toml", built: "mailbatch_OrdererData.resources/orderers.toml")
        ) {
            PosixFS.exists($0) && !PosixFS.isDirectory($0)
        }
    }

    private static func first(_ what: String, _ candidates: [String], _ usable: (String) -> Bool) throws(Missing) -> String {
        if let found = candidates.first(where: usable) { return found }
        throw Missing(what: what, tried: candidates)
    }

    private static func candidates(installed: String, built: String) -> [String] {
        var result: [String] = []
        if let data = getenv(variable).map({ String(cString: $0) }), !data.isEmpty { result.append("\(data)/\(installed)") }
        if let dir = executableDirectory {
            result.append("\(dir)/\(built)")
            result.append("\(dir)/share/mailbatch/\(installed)")
            let up = PosixFS.parentPath(dir)
            result.append("\(up == "/" ? "" : up)/share/mailbatch/\(installed)")
        }
        return result
    }

    /// The folder of the running binary (from /proc/self/exe, so symbolic links are resolved).
    package static let executableDirectory: String? = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let path = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return PosixFS.parentPath(path)
    }()
}
