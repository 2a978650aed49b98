import Foundation

/// The MIME pieces a Japanese business mail needs, written by hand because no listed library gets
/// them all right: RFC 2047 B-words folded at character boundaries, RFC 2231 parameters, base64 at
/// 76 columns, and CRLF everywhere. Nothing from input can put a CR or LF into a header.
package enum MIMEEncoder {
    package static let crlf = "\r\n"
    /// RFC 2047 §2: an encoded-word is at most 75 characters, a line holding one at most 76.
    package static let maxEncodedWord = 75
    package static let maxLine = 76

    // MARK: Headers

    /// An unstructured header (`Subject`), raw when it is short printable ASCII, else folded B-words.
    package static func unstructuredHeader(_ name: String, _ value: String) -> String {
        let prefix = "\(name): "
        if isPlainASCII(value), prefix.utf8.count + value.utf8.count <= 78 {
            return prefix + value + crlf
        }
        let words = encodedWords(value, firstBudget: maxLine - prefix.utf8.count)
        return prefix + words.joined(separator: crlf + " ") + crlf
    }

    /// A display name with control characters and line separators made spaces: once decoded, a name
    /// must not carry a line break into a reader's header either.
    package static func displayNameText(_ name: String) -> String {
        String(
            String.UnicodeScalarView(
                name.unicodeScalars.map { c in
                    c.properties.generalCategory == .control || c == "\u{2028}" || c == "\u{2029}" ? " " : c
                }))
    }

    /// An address header (`From`, `To`, `Cc`); each mailbox on its own line when there are several.
    package static func addressHeader(_ name: String, _ mailboxes: [Mailbox]) -> String {
        let prefix = "\(name): "
        var lines: [String] = []
        for (i, mailbox) in mailboxes.enumerated() {
            let lead = i == 0 ? prefix : " "
            var line = lead
            if let display = mailbox.displayName.map(displayNameText), !display.isEmpty {
                if isPlainASCII(display) {
                    line += quotedPhrase(display) + " <\(mailbox.address)>"
                } else {
                    let words = encodedWords(display, firstBudget: maxLine - lead.utf8.count, breakingAtSpaces: true)
                    line += words.joined(separator: crlf + " ") + crlf + " <\(mailbox.address)>"
                }
            } else {
                line += mailbox.address
            }
            lines.append(line + (i < mailboxes.count - 1 ? "," : ""))
        }
        return lines.joined(separator: crlf) + crlf
    }

    /// An ASCII display name as an atom phrase when it can be one, else a quoted-string with `"` and `\` escaped.
    package static func quotedPhrase(_ text: String) -> String {
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ".utf8)
        if text.utf8.allSatisfy(atext.contains), !text.hasPrefix(" "), !text.hasSuffix(" "), !text.contains("  ") {
            return text
        }
        var out = "\""
        for ch in text {
            if ch == "\"" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out + "\""
    }

    /// Printable ASCII that a reader will not take for an encoded-word: such text goes as it is.
    package static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && !text.contains("=?")
    }

    /// Splits text into `=?UTF-8?B?…?=` words, each holding whole characters and fitting its line:
    /// the first within `firstBudget` columns, the rest within 75.
    /// With `breakingAtSpaces` (a name), a word ends at a space where the line allows, so no reader
    /// that shows the words apart splits 「山田」 or 「代表取締役」.
    package static func encodedWords(_ text: String, firstBudget: Int, breakingAtSpaces: Bool = false) -> [String] {
        var words: [String] = []
        var pending: [UInt8] = []
        var budget = max(firstBudget, 16)

        func encodedLength(_ byteCount: Int) -> Int { 12 + 4 * ((byteCount + 2) / 3) }
        func flush() {
            guard !pending.isEmpty else { return }
            words.append("=?UTF-8?B?" + base64(pending) + "?=")
            pending.removeAll(keepingCapacity: true)
            budget = maxEncodedWord
        }
        func add(_ bytes: [UInt8]) {
            if encodedLength(pending.count + bytes.count) > budget { flush() }
            pending += bytes
        }

        func addCharacters(_ part: Substring) {
            for character in part {
                let bytes = Array(String(character).utf8)
                if encodedLength(bytes.count) <= maxEncodedWord {
                    add(bytes)
                } else {
                    // A grapheme too long for one word (a long emoji sequence): split between its scalars.
                    for scalar in character.unicodeScalars { add(Array(String(scalar).utf8)) }
                }
            }
        }

        if breakingAtSpaces {
            // Each run up to and with its space goes whole into a word when one can hold it.
            var rest = Substring(text)
            while !rest.isEmpty {
                let end = rest.firstIndex(of: " ").map { rest.index(after: $0) } ?? rest.endIndex
                let run = rest[..<end]
                let bytes = Array(run.utf8)
                if encodedLength(pending.count + bytes.count) > budget, encodedLength(bytes.count) <= maxEncodedWord { flush() }
                addCharacters(run)
                rest = rest[end...]
            }
        } else {
            addCharacters(Substring(text))
        }
        flush()
        if words.isEmpty { words.append("=?UTF-8?B??=") }
        return words
    }

    // MARK: Parameters

    /// A MIME parameter that may hold any text: `name="=?UTF-8?B?…?="` for old readers (RFC 2047
    /// words inside quotes are not standard but are what they understand), and `name*0*=UTF-8''…`
    /// continuations per RFC 2231 for everyone else.
    package static func rfc2231Parameter(_ name: String, _ value: String) -> [String] {
        var segments: [String] = []
        var current = ""
        let firstOverhead = " \(name)*0*=UTF-8'';".utf8.count
        var budget = maxLine - firstOverhead
        let encode = extendedValue
        // Whole characters where they fit in a line; a grapheme too long for any line (a family
        // emoji joined with ZWJs) is split between its scalars, which RFC 2231 allows.
        let segmentRoom = maxLine - " \(name)*99*=;".utf8.count
        var pieces: [String] = []
        for character in value {
            let piece = encode(String(character))
            if piece.utf8.count <= segmentRoom {
                pieces.append(piece)
            } else {
                pieces += character.unicodeScalars.map { encode(String($0)) }
            }
        }
        for piece in pieces {
            if !current.isEmpty, current.utf8.count + piece.utf8.count > budget {
                segments.append(current)
                current = ""
                budget = maxLine - " \(name)*\(segments.count)*=;".utf8.count
            }
            current += piece
        }
        segments.append(current)
        if segments.count == 1 { return ["\(name)*=UTF-8''\(segments[0])"] }
        return segments.enumerated().map { i, segment in
            i == 0 ? "\(name)*0*=UTF-8''\(segment)" : "\(name)*\(i)*=\(segment)"
        }
    }

    /// RFC 2231 / 8187 `ext-value` characters: `attr-char` as is, every other UTF-8 byte as `%XX`
    /// (mail file names here, and the viewer's `Content-Disposition: …; filename*=UTF-8''…`).
    package static func extendedValue(_ text: String) -> String {
        var piece = ""
        for byte in text.utf8 {
            if attrChars.contains(byte) {
                piece.append(Character(Unicode.Scalar(byte)))
            } else {
                piece += "%" + hex2(byte)
            }
        }
        return piece
    }

    private static let attrChars = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~".utf8)

    /// `name="=?UTF-8?B?…?= =?UTF-8?B?…?="`, folded between words.
    package static func encodedWordParameter(_ name: String, _ value: String) -> String {
        let words = encodedWords(value, firstBudget: maxLine - " \(name)=\"".utf8.count - 1)
        return "\(name)=\"" + words.joined(separator: crlf + " ") + "\""
    }

    private static func hex2(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    // MARK: Bodies

    /// Base64 wrapped at 76 columns, each line ending in CRLF (the last one too).
    package static func base64Lines(_ bytes: some Collection<UInt8>) -> String {
        guard !bytes.isEmpty else { return "" }
        return Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]) + crlf
    }

    /// Text with every line ending made CRLF.
    package static func crlfNormalized(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 64)
        var previousCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r":
                out += "\r\n"
                previousCR = true
                continue
            case "\n":
                if !previousCR { out += "\r\n" }
            default:
                out.unicodeScalars.append(scalar)
            }
            previousCR = false
        }
        return out
    }

    package static func base64(_ input: some Collection<UInt8>) -> String { Data(input).base64EncodedString() }
}
