package import Foundation
import Glibc

/// The JSON form of every file mailbatch writes: sorted keys, UTF-8 unescaped, a final newline.
package enum SpoolJSON {
    /// A value JSON cannot hold is refused like a failed write (the run stops, every file stays where
    /// the next run finds it), never replaced by `{}`.
    package static func encode(_ value: some Encodable) throws(FileSystemError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw FileSystemError("write as JSON", "a \(type(of: value)) (\(error))", code: EINVAL)
        }
        data.append(0x0A)
        return data
    }
}
