/// Refuses input that is not plain UTF-8 and says what it looks like instead, so that the upstream
/// system's operator knows which export setting to change.
package enum TextEncodingCheck {
    package static func problem(in bytes: [UInt8]) -> String? {
        if bytes.isEmpty { return "the file is empty" }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return "the file starts with a UTF-8 byte-order mark; write UTF-8 without a BOM"
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || looksLikeUTF16(bytes) {
            return "the file is UTF-16, not UTF-8; write it as UTF-8"
        }
        guard String(validating: bytes, as: UTF8.self) == nil else { return nil }
        if looksLikeShiftJIS(bytes) {
            return "the file is not valid UTF-8; it looks like Shift_JIS (CP932): convert it to UTF-8"
        }
        return "the file is not valid UTF-8 (invalid byte sequence at offset \(firstInvalidUTF8Offset(bytes)))"
    }

    private static func looksLikeUTF16(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(64)
        let zeros = sample.filter { $0 == 0 }.count
        return sample.count >= 4 && zeros * 4 >= sample.count
    }

    /// True when every non-ASCII byte pairs up as a Shift_JIS double-byte character (or is half-width kana).
    package static func looksLikeShiftJIS(_ bytes: [UInt8]) -> Bool {
        var i = 0
        var pairs = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x00...0x7F, 0xA1...0xDF:
                i += 1
            case 0x81...0x9F, 0xE0...0xFC:
                guard i + 1 < bytes.count else { return false }
                let t = bytes[i + 1]
                guard (0x40...0x7E).contains(t) || (0x80...0xFC).contains(t) else { return false }
                pairs += 1
                i += 2
            default:
                return false
            }
        }
        return pairs > 0
    }

    /// The offset of the first byte that does not start or continue a well-formed UTF-8 sequence.
    private static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            guard i + length <= bytes.count,
                String(validating: bytes[i..<(i + length)], as: UTF8.self) != nil
            else { return i }
            i += length
        }
        return i
    }
}
