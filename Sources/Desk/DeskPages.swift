import Mustache
import Support

/// The desk's HTML pages: mustache templates in `templates/desk/` (every `{{value}}` HTML-escaped, so
/// a contractor or a search named `<script>` shows as text) and its stylesheet, of the viewer's family.
/// An operator's `templates = "…"` folder may replace any of them with a `desk/` folder of its own.
package struct DeskPages: Sendable {
    private let library: MustacheLibrary
    package let stylesheet: [UInt8]

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    package enum Page: String, CaseIterable {
        case signin, home, search, contract, action, result, message
    }

    package init(overrides: String?) throws(Failure) {
        let shipped: String
        do {
            shipped = try DataFiles.templatesDirectory() + "/desk"
        } catch {
            throw Failure(description: error.description)
        }
        var library = MustacheLibrary()
        var stylesheet: [UInt8]?
        for folder in [shipped, overrides.map { "\($0)/desk" }].compactMap({ $0 }) where PosixFS.isDirectory(folder) {
            let files: [String]
            do {
                files = try PosixFS.list(folder)
            } catch {
                throw Failure(description: "cannot read the desk's templates in \(folder): \(error)")
            }
            for file in files {
                let path = "\(folder)/\(file)"
                guard let bytes = try? PosixFS.read(path) else { throw Failure(description: "cannot read \(path)") }
                if file == "desk.css" { stylesheet = bytes }
                guard file.hasSuffix(".mustache") else { continue }
                guard let text = String(validating: bytes, as: UTF8.self) else { throw Failure(description: "\(path) is not UTF-8 text") }
                do {
                    try library.register(text, named: String(file.dropLast(".mustache".count)))
                } catch {
                    throw Failure(description: "the template \(path) does not parse: \(error)")
                }
            }
        }
        guard let stylesheet else { throw Failure(description: "the desk's stylesheet \(shipped)/desk.css is missing; reinstall mailbatch") }
        for name in Page.allCases where library.getTemplate(named: name.rawValue) == nil {
            throw Failure(description: "the desk's template \(shipped)/\(name.rawValue).mustache is missing; reinstall mailbatch")
        }
        self.library = library
        self.stylesheet = stylesheet
    }

    package func render(_ page: Page, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: page.rawValue) ?? ""
    }
}
