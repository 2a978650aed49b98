import Glibc
import Mustache
import Support

/// The mustache templates for mail subjects, bodies and document wording: the shipped ones, with
/// any file of the same name in the operator's folder (`templates = "…"`) taking their place.
package struct TemplateLibrary: Sendable {
    private let library: MustacheLibrary
    package let names: Set<String>
    /// Every template's source, one after the other: the fixed text documents draw (`FontSubsets`).
    package let text: String

    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    package init(overrides: String?) throws(Failure) {
        var library = MustacheLibrary()
        var names: Set<String> = []
        var sources = ""
        let shipped: String
        do {
            shipped = try DataFiles.templatesDirectory()
        } catch {
            throw Failure(description: error.description)
        }
        for folder in [shipped, overrides].compactMap({ $0 }) {
            let files: [String]
            do {
                files = try PosixFS.list(folder).filter { $0.hasSuffix(".mustache") }
            } catch {
                throw Failure(description: "cannot read the templates folder \(folder): \(error)")
            }
            for file in files {
                let path = "\(folder)/\(file)"
                guard let bytes = try? PosixFS.read(path), let text = String(validating: bytes, as: UTF8.self) else {
                    throw Failure(description: "cannot read the template \(path) as UTF-8 text")
                }
                let name = String(file.dropLast(".mustache".count))
                do {
                    // The pragma on a line of its own: a template whose first line is a section tag
                    // (`{{#to_orderer}}`) then starts like any other line, with no empty line left behind.
                    try library.register("{{% CONTENT_TYPE: TEXT}}\n" + text, named: name)
                } catch {
                    throw Failure(description: "the template \(path) does not parse: \(error)")
                }
                names.insert(name)
                sources += text
            }
        }
        self.library = library
        self.names = names
        self.text = sources
    }

    package func render(_ name: String, _ context: [String: Any]) throws(Failure) -> String {
        guard names.contains(name), let text = library.render(context, withTemplate: name) else {
            throw Failure(description: "the template \(name).mustache is missing")
        }
        return text
    }

    /// Renders a template given as text (an orderer's prescribed subject) as one line.
    package func renderInline(_ template: String, _ context: [String: Any], name: String) throws(Failure) -> String {
        let compiled: MustacheTemplate
        do {
            compiled = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + template)
        } catch {
            throw Failure(description: "the \(name) does not parse as a mustache template: \(error)")
        }
        return Self.oneLine(compiled.render(context, library: library))
    }

    package static func oneLine(_ text: String) -> String {
        let flattened = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return String(flattened.trimmingSuffix { $0 == " " }.drop(while: { $0 == " " }))
    }

    /// A one-line rendering (a subject): surrounding white space and line breaks removed.
    package func renderLine(_ name: String, _ context: [String: Any]) throws(Failure) -> String {
        Self.oneLine(try render(name, context))
    }
}
