/// The shipped mustache templates (`mustache/`). SwiftPM copies them next to the built binary as
/// `mailbatch_Templates.resources/mustache`; an install puts them in `share/mailbatch/templates`.
/// mailbatch finds them with `DataFiles`, never with SwiftPM's `Bundle.module`, which stops the
/// process when the binary is moved away from the build folder.
public enum ShippedTemplates {
    public static let resourceFolder = "mailbatch_Templates.resources/mustache"
}
