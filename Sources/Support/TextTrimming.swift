/// The text without its trailing characters that match (trailing blanks of a line, of a header).
extension StringProtocol {
    package func trimmingSuffix(while predicate: (Character) -> Bool) -> SubSequence {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[..<end]
    }
}
