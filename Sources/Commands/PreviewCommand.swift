import ArgumentParser
import Issuance

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Render the documents and mails of one input file into a folder, with a sample key.",
        discussion: "Nothing is issued into the spool and nothing is sent. The key shown is a marked sample that can never be valid.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "A mailbatch.contract/v1 JSON file.")
    var file: String

    @Option(name: .long, help: "The folder to write the PDFs and .eml files into (created if missing).")
    var out: String

    func run() throws {
        let configuration = try options.loadConfiguration()
        let written = try Preview(configuration: configuration).render(file: file, into: out)
        for path in written { print(path) }
    }
}
