package import Model

/// The subject an orderer prescribes (`subject = "…"` in its table), rendered for one version: a field
/// the record leaves empty takes the space beside it along (no 「】 工事」), and a template that does
/// not name the version gets it added, so the clerk's inbox tells each version's mail apart.
package enum OrdererSubject {
    /// Stands in for an empty field while rendering; removed with one white space beside it.
    private static let empty = "\u{1}"

    /// The values a subject may name (`SubjectTemplate.variables`, nothing else: never the key), for
    /// this version: the kind, the version (変更第1号, 解約, or empty) and the orderer's number; an
    /// empty field is marked so that the space beside it goes too.
    package static func values(_ base: [String: Any], certificate c: Certificate) -> [String: String] {
        var values: [String: String] = [:]
        for name in SubjectTemplate.variables {
            let value = base[name] as? String ?? ""
            values[name] = value.isEmpty ? empty : value
        }
        values["guarantee_kind"] = c.guaranteeTypeName
        values["amendment"] = versionName(c) ?? empty
        return values
    }

    /// 変更第N号 for a change, 解約 for a cancellation, nil for the original.
    package static func versionName(_ c: Certificate) -> String? {
        if c.state == .cancelled { return "解約" }
        return c.amendment.map { "変更第\($0.number)号" }
    }

    /// The prescribed subject for this version; empty when the template gives nothing. The template
    /// was checked when the orderer file loaded; a template that fails here is named in the error.
    package static func render(_ template: String, context base: [String: Any], certificate c: Certificate, name: String)
        throws(TemplateLibrary.Failure) -> String
    {
        let parsed: SubjectTemplate
        do {
            parsed = try SubjectTemplate(parsing: template)
        } catch {
            throw TemplateLibrary.Failure(description: "the \(name) is not a subject template: \(error.message)")
        }
        let line = MessageComposer.subjectLine(dropEmptyFields(parsed.render(values(base, certificate: c))))
        guard !line.isEmpty else { return "" }
        if let version = versionName(c), !template.contains("amendment"), !line.contains(version) {
            return line + "（\(version)）"
        }
        return line
    }

    /// Removes each empty-field mark with the white space before it, or else the one after it.
    package static func dropEmptyFields(_ text: String) -> String {
        var out: [Character] = []
        var skipSpace = false
        for ch in text {
            if String(ch) == empty {
                if let last = out.last, last.isWhitespace {
                    out.removeLast()
                } else {
                    skipSpace = true
                }
                continue
            }
            if skipSpace, ch.isWhitespace {
                skipSpace = false
                continue
            }
            skipSpace = false
            out.append(ch)
        }
        return String(out)
    }
}

extension MessageComposer {
    /// A cancellation's subject: the orderer's prescribed one (with 「（解約）」) in its own mail, else ours.
    package func cancellationSubject(_ context: [String: Any], certificate c: Certificate, orderer: Orderer?) throws(TemplateLibrary.Failure)
        -> String
    {
        if let orderer, let custom = orderer.subject {
            let subject = try OrdererSubject.render(custom, context: context, certificate: c, name: "subject of [\(orderer.name)]")
            if !subject.isEmpty { return subject }
        }
        return Self.subjectLine(try templates.renderLine("cancellation-subject", context))
    }
}
