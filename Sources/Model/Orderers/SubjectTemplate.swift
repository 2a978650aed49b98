import Foundation
package import Support

/// An orderer's prescribed subject (`subject = "【電子保証】{{orderer_ref}} {{project_name}}"`): text
/// and `{{variable}}` tags naming only the documented variables. Nothing else is a subject: no
/// section, partial, comment or unescaped tag, and never a variable that is not in `variables` —
/// so a subject cannot carry the 認証キー or any other part of the mail's body. It is checked when
/// the orderer file loads and rendered from its own values, not from the body's context.
package struct SubjectTemplate: Sendable, Equatable {
    /// What a subject may name, and nothing else (docs/orderers.md).
    package static let variables = [
        "contract_number", "orderer_ref", "project_name", "contractor_name", "guarantee_kind", "orderer_name", "amendment",
    ]

    package enum Piece: Sendable, Equatable {
        case text(String)
        case variable(String)
    }

    package let pieces: [Piece]

    /// What is wrong, and where: `offset` counts characters from the start of the template.
    package struct Problem: Error, Sendable, Equatable {
        package let offset: Int
        package let message: String

        package init(offset: Int, message: String) {
            self.offset = offset
            self.message = message
        }
    }

    package init(parsing template: String) throws(Problem) {
        var pieces: [Piece] = []
        var text = ""
        let characters = Array(template)
        var i = 0
        while i < characters.count {
            guard characters[i] == "{", i + 1 < characters.count, characters[i + 1] == "{" else {
                text.append(characters[i])
                i += 1
                continue
            }
            let start = i
            var end = i + 2
            while end + 1 < characters.count, !(characters[end] == "}" && characters[end + 1] == "}") { end += 1 }
            guard end + 1 < characters.count else {
                throw Problem(offset: start, message: "\"{{\" is not closed with \"}}\"")
            }
            let inside = String(characters[(start + 2)..<end]).trimmingCharacters(in: .whitespaces)
            if let sigil = inside.first, "#^/>!&={".contains(sigil) {
                let what =
                    switch sigil {
                    case "#", "^", "/": "a section"
                    case ">": "a partial"
                    case "!": "a comment"
                    default: "a tag of that kind"
                    }
                throw Problem(offset: start, message: "{{\(inside)}} is \(what); a subject may hold only text and \(Self.allowed)")
            }
            guard Self.variables.contains(inside) else {
                throw Problem(
                    offset: start,
                    message: inside.isEmpty
                        ? "an empty {{}}; a subject may use \(Self.allowed)" : "{{\(inside)}} is not a subject variable; a subject may use \(Self.allowed)")
            }
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
            pieces.append(.variable(inside))
            i = end + 2
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        self.pieces = pieces
    }

    private static var allowed: String { variables.map { "{{\($0)}}" }.joined(separator: ", ") }

    /// The subject with each variable's value (empty when it has none), as one line.
    package func render(_ values: [String: String]) -> String {
        let text = pieces.map { piece in
            switch piece {
            case .text(let t): t
            case .variable(let name): values[name] ?? ""
            }
        }.joined()
        return text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

extension SubjectTemplate {
    /// Checks an orderer file's `subject` as it loads: one line, and a template by the rules above;
    /// an error names the file, the line and the column of the fault.
    package static func check(_ subject: String, key: String, in section: TOMLSection) throws(ConfigurationError) {
        let header = "[\(section.name)]"
        let at = section.position(of: key)
        guard !subject.contains(where: { $0 == "\n" || $0 == "\r" }) else {
            let place = at.map { "line \($0.line), column \($0.column): " } ?? ""
            throw ConfigurationError("\(section.file): \(place)\(header) \(key) must be one line")
        }
        do {
            _ = try SubjectTemplate(parsing: subject)
        } catch {
            var place = ""
            if let at {
                place = "line \(at.line), column \(column(of: error.offset, in: subject, line: at.line, file: section.file) ?? at.column): "
            }
            throw ConfigurationError(
                "\(section.file): \(place)\(header) \(key) = \"\(subject)\": \(error.message); no mail is issued until the orderer file is fixed")
        }
    }

    /// The column (in characters) of the template's offset on its line, when the value is written
    /// there as a plain string that holds the template as it is.
    private static func column(of offset: Int, in subject: String, line: Int, file: String) -> Int? {
        guard let bytes = try? PosixFS.read(file) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        let text = lines[line - 1]
        guard let found = text.range(of: subject) else { return nil }
        return text.distance(from: text.startIndex, to: found.lowerBound) + offset + 1
    }
}
