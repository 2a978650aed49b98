import Support
package import WebSupport

/// The desk's HTML pages: the templates in `templates/desk/` and `desk.css`, of the viewer's family
/// (PageTemplates).
package struct DeskPages: Sendable {
    private let templates: PageTemplates
    package var stylesheet: [UInt8] { templates.stylesheet }

    package typealias Failure = PageTemplates.Failure

    package enum Page: String, CaseIterable {
        case signin, home, search, contract, action, result, message
    }

    package init(overrides: String?) throws(Failure) {
        templates = try PageTemplates(
            folder: "desk", surface: "the desk's", stylesheet: "desk.css", pages: Page.allCases.map(\.rawValue), overrides: overrides)
    }

    package func render(_ page: Page, _ context: [String: Any]) -> String {
        templates.render(page.rawValue, context)
    }
}
