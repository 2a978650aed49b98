import Mustache
package import Support

/// A web surface's HTML pages: the mustache templates of one folder of the shipped templates
/// (`templates/viewer/`, `templates/desk/`; every `{{value}}` HTML-escaped, so a name like `<script>`
/// shows as text) and its one stylesheet. An operator's `templates = "…"` folder may replace any of
/// them with a folder of the same name of its own. Every page the surface names must be there.
package struct PageTemplates: Sendable {
    private let library: MustacheLibrary
    package let stylesheet: [UInt8]

    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(description: String) {
            self.description = description
        }
    }

    /// - Parameters:
    ///   - folder: the templates' folder name (`viewer`, `desk`); `surface`: "the viewer's", "the desk's".
    ///   - stylesheet: its stylesheet's file name; `pages`: the templates that must exist.
    package init(folder: String, surface: String, stylesheet sheet: String, pages: [String], overrides: String?) throws(Failure) {
        let shipped: String
        do {
            shipped = try DataFiles.templatesDirectory() + "/" + folder
        } catch {
            throw Failure(description: error.description)
        }
        var library = MustacheLibrary()
        var stylesheet: [UInt8]?
        for directory in [shipped, overrides.map { "\($0)/\(folder)" }].compactMap({ $0 }) where PosixFS.isDirectory(directory) {
            let files: [String]
            do {
                files = try PosixFS.list(directory)
            } catch {
                throw Failure(description: "cannot read \(surface) templates in \(directory): \(error)")
            }
            for file in files {
                let path = "\(directory)/\(file)"
                guard let bytes = try? PosixFS.read(path) else { throw Failure(description: "cannot read \(path)") }
                if file == sheet { stylesheet = bytes }
                guard file.hasSuffix(".mustache") else { continue }
                guard let text = String(validating: bytes, as: UTF8.self) else { throw Failure(description: "\(path) is not UTF-8 text") }
                do {
                    try library.register(text, named: String(file.dropLast(".mustache".count)))
                } catch {
                    throw Failure(description: "the template \(path) does not parse: \(error)")
                }
            }
        }
        guard let stylesheet else { throw Failure(description: "\(surface) stylesheet \(shipped)/\(sheet) is missing; reinstall mailbatch") }
        for name in pages where library.getTemplate(named: name) == nil {
            throw Failure(description: "\(surface) template \(shipped)/\(name).mustache is missing; reinstall mailbatch")
        }
        self.library = library
        self.stylesheet = stylesheet
    }

    package func render(_ page: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: page) ?? ""
    }
}
