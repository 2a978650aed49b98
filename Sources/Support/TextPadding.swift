extension String {
    /// `7` → `07`; numbers and hex digits in file names and reports.
    package func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }

    /// Pads with spaces on the right to a column width (for the summary tables).
    package func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}

extension Sequence<UInt8> {
    /// Lower-case hex, two digits a byte: digests in certificates, key ids, file names.
    package var hexString: String { map { String($0, radix: 16).leftPadded(to: 2) }.joined() }
}
