/// How a certificate version is named to people: 当初 (the first issue) or 変更第N号.
package enum VersionName {
    package static func of(_ c: Certificate) -> String { c.amendment.map { "変更第\($0.number)号" } ?? "当初" }
}
