import ArgumentParser
import Operations
import Support

/// `mailbatch desk …`: the operators' console and its audit trail.
/// Without a subcommand it serves the desk (`mailbatch desk --listen … --config FILE`).
struct DeskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desk", abstract: "The operators' console (the branch desk) and its audit log of operator actions.",
        subcommands: [DeskServeCommand.self, DeskAuditCommand.self], defaultSubcommand: DeskServeCommand.self)
}

/// `mailbatch desk audit`: every operator action attempt (command line and desk), oldest first.
struct DeskAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Print the audit log: who did what, when, from where, why, and how it ended.")
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print a JSON array of the entries.") var json = false
    @Option(help: "Only this contract's entries.") var contract: String?

    func run() throws {
        let configuration = try options.loadConfiguration()
        let log = AuditLog(spool: configuration.spool)
        let entries = try log.entries(contract: contract)
        if json {
            print("[" + (try entries.map { try AuditLog.line($0) }).joined(separator: ",\n") + "]")
        } else {
            print(AuditTable.text(entries), terminator: "")
        }
        let unreadable = try log.unreadableLines()
        if unreadable > 0 { FileHandleStderr.write("mailbatch: warning: \(unreadable) line(s) of \(log.path) could not be read and are not shown\n") }
    }
}
