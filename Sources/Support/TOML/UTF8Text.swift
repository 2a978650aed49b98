/// Decodes UTF-8 strictly (no overlong forms, no surrogates), saying where the first bad byte is.
package enum UTF8Text {
    package static func scalars(_ bytes: [UInt8]) throws(TOMLSyntaxError) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(bytes.count)
        var k = 0
        var line = 1
        var column = 1
        while k < bytes.count {
            let lead = bytes[k]
            var value: UInt32
            let length: Int
            switch lead {
            case 0x00...0x7F:
                value = UInt32(lead)
                length = 1
            case 0xC2...0xDF:
                value = UInt32(lead & 0x1F)
                length = 2
            case 0xE0...0xEF:
                value = UInt32(lead & 0x0F)
                length = 3
            case 0xF0...0xF4:
                value = UInt32(lead & 0x07)
                length = 4
            default:
                throw notUTF8(line, column, lead)
            }
            guard k + length <= bytes.count else { throw notUTF8(line, column, lead) }
            for j in 1..<length {
                let byte = bytes[k + j]
                guard byte & 0xC0 == 0x80 else { throw notUTF8(line, column, lead) }
                value = value << 6 | UInt32(byte & 0x3F)
            }
            let minimum: UInt32 = [0, 0, 0x80, 0x800, 0x10000][length]
            guard value >= minimum, value <= 0x10FFFF, let scalar = Unicode.Scalar(value) else { throw notUTF8(line, column, lead) }
            out.append(scalar)
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            k += length
        }
        return out
    }

    private static func notUTF8(_ line: Int, _ column: Int, _ byte: UInt8) -> TOMLSyntaxError {
        let hex = String(byte, radix: 16, uppercase: true)
        return TOMLSyntaxError(
            line: line, column: column,
            message: "the file is not UTF-8 text (byte 0x\(hex.count == 1 ? "0" + hex : hex) here): save it as UTF-8 (Shift_JIS is not read)")
    }
}
