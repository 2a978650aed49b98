/// The document information of a PDF (its /Info dictionary), and the PDF form of its dates.
package struct PDFInfo: Sendable {
    package var title: String
    package var author: String
    package var subject: String?
    /// ISO 8601 with an offset, e.g. 2025-10-20T10:00:00+09:00; written as a PDF date.
    package var createdISO8601: String

    package init(title: String, author: String, subject: String? = nil, createdISO8601: String) {
        self.title = title
        self.author = author
        self.subject = subject
        self.createdISO8601 = createdISO8601
    }

    /// `2025-10-20T10:00:00+09:00` → `D:20251020100000+09'00'` (ISO 32000-1, 7.9.4).
    package static func pdfDate(_ iso: String) -> String? {
        let digits = iso.prefix(19).filter(\.isNumber)
        guard digits.count == 14 else { return nil }
        let zone = iso.dropFirst(19)
        if zone == "Z" { return "D:\(digits)Z" }
        guard zone.count == 6, let sign = zone.first, sign == "+" || sign == "-" else { return "D:\(digits)" }
        let parts = zone.dropFirst().split(separator: ":")
        guard parts.count == 2 else { return "D:\(digits)" }
        return "D:\(digits)\(sign)\(parts[0])'\(parts[1])'"
    }

    /// cairo 1.16.0 writes a creation date set through its metadata call without the `D:` prefix
    /// that ISO 32000 asks for (`(20251020100000+09'00)`). This puts it in the form `pdfDate`
    /// gives and moves the cross-reference offsets of what follows. A file whose date already has
    /// the prefix (a later cairo), or whose end is not laid out as cairo writes it, comes back as it was.
    package static func creationDateFixed(_ pdf: [UInt8]) -> [UInt8] {
        guard let trailer = CairoTrailer(pdf),
            let key = lastIndex(of: Array("/CreationDate (".utf8), in: pdf, before: trailer.xrefOffset)
        else { return pdf }
        let start = key + "/CreationDate (".utf8.count
        guard start < pdf.count, pdf[start] != UInt8(ascii: "D"),
            let close = pdf[start..<min(pdf.count, start + 32)].firstIndex(of: UInt8(ascii: ")"))
        else { return pdf }
        guard let closesOffset = Self.dateShape(pdf[start..<close]) else { return pdf }
        // "D:" before, and the apostrophe that closes the minutes of the offset after.
        var fixed = Array("D:".utf8) + pdf[start..<close]
        if closesOffset { fixed.append(UInt8(ascii: "'")) }
        var out = pdf
        out.replaceSubrange(start..<close, with: fixed)
        return trailer.shifted(out, after: start, by: fixed.count - (close - start)) ?? pdf
    }

    /// Whether `date` is a PDF date without its prefix (`YYYY…ss`, then `Z` or `±HH` or `±HH'mm`);
    /// then whether it ends in minutes of an offset.
    private static func dateShape(_ date: ArraySlice<UInt8>) -> Bool? {
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        let digits = date.prefix(while: isDigit).count
        guard (4...14).contains(digits) else { return nil }
        let zone = Array(date.dropFirst(digits))
        switch zone.count {
        case 0: return false
        case 1 where zone[0] == UInt8(ascii: "Z"): return false
        case 3, 6:
            guard zone[0] == UInt8(ascii: "+") || zone[0] == UInt8(ascii: "-"), isDigit(zone[1]), isDigit(zone[2]) else { return nil }
            guard zone.count == 6 else { return false }
            return zone[3] == UInt8(ascii: "'") && isDigit(zone[4]) && isDigit(zone[5]) ? true : nil
        default: return nil
        }
    }

    fileprivate static func lastIndex(of needle: [UInt8], in haystack: [UInt8], before end: Int) -> Int? {
        var at = min(end, haystack.count) - needle.count
        while at >= 0 {
            if haystack[at] == needle[0], haystack[at..<(at + needle.count)].elementsEqual(needle) { return at }
            at -= 1
        }
        return nil
    }
}

/// The end of a PDF as cairo writes it: one classic cross-reference table of 20-byte entries, a
/// trailer and `startxref`.
private struct CairoTrailer {
    let xrefOffset: Int
    /// Where the digits after `startxref` are.
    let startxrefDigits: Range<Int>

    init?(_ pdf: [UInt8]) {
        let tailStart = max(0, pdf.count - 64)
        guard let keyword = PDFInfo.lastIndex(of: Array("startxref".utf8), in: pdf, before: pdf.count), keyword >= tailStart else {
            return nil
        }
        var at = keyword + "startxref".utf8.count
        while at < pdf.count, pdf[at] == 0x0A || pdf[at] == 0x0D || pdf[at] == 0x20 { at += 1 }
        let first = at
        while at < pdf.count, (0x30...0x39).contains(pdf[at]) { at += 1 }
        guard at > first, let offset = Int(String(decoding: pdf[first..<at], as: UTF8.self)), offset < keyword,
            pdf[offset..<min(pdf.count, offset + 4)].elementsEqual("xref".utf8)
        else { return nil }
        xrefOffset = offset
        startxrefDigits = first..<at
    }

    /// `pdf` (already `delta` bytes longer after `position`, which lies before the table) with
    /// every offset past `position` and `startxref` moved by `delta`; nil when the table is not
    /// as expected.
    func shifted(_ pdf: [UInt8], after position: Int, by delta: Int) -> [UInt8]? {
        guard position < xrefOffset else { return nil }
        var out = pdf
        var at = xrefOffset + delta + "xref".utf8.count
        func skipSpace() { while at < out.count, out[at] == 0x0A || out[at] == 0x0D || out[at] == 0x20 { at += 1 } }
        func number() -> Int? {
            let first = at
            while at < out.count, (0x30...0x39).contains(out[at]) { at += 1 }
            return at > first ? Int(String(decoding: out[first..<at], as: UTF8.self)) : nil
        }
        skipSpace()
        // Subsections of "first count" followed by count entries "oooooooooo ggggg n\n".
        while at < out.count, out[at] != UInt8(ascii: "t") {
            guard number() != nil else { return nil }
            skipSpace()
            guard let count = number() else { return nil }
            skipSpace()
            for _ in 0..<count {
                guard at + 20 <= out.count, out[at + 10] == 0x20, out[at + 16] == 0x20 else { return nil }
                let field = at..<(at + 10)
                guard let offset = Int(String(decoding: out[field], as: UTF8.self)) else { return nil }
                if out[at + 17] == UInt8(ascii: "n"), offset > position {
                    let moved = String(offset + delta)
                    guard moved.utf8.count <= 10 else { return nil }
                    out.replaceSubrange(field, with: Array((String(repeating: "0", count: 10 - moved.utf8.count) + moved).utf8))
                }
                at += 20
            }
            skipSpace()
        }
        guard out[at...].starts(with: "trailer".utf8) else { return nil }
        let digits = (startxrefDigits.lowerBound + delta)..<(startxrefDigits.upperBound + delta)
        out.replaceSubrange(digits, with: Array(String(xrefOffset + delta).utf8))
        return out
    }
}
