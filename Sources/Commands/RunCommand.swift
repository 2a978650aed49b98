import ArgumentParser
import Documents
import Run
import Support

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Process spool/incoming/: validate, issue certificates and keys, and send the notifications.",
        discussion:
            "Exit codes: 0 all handled; 1 something was rejected or dead-lettered; 2 usage or configuration error; 75 temporary (another run holds the lock, or mail was deferred)."
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("Write the seconds spent per stage as JSON to this file (for the benchmark).", visibility: .hidden))
    var stats: String?

    func run() throws {
        let configuration = try options.loadConfiguration()
        let logger = options.makeLogger()
        var batch = BatchRun(configuration: configuration, logger: logger, exitCode: ErrorExit.code(for:))
        batch.showProgress = !options.quiet
        let report = try batch.run()
        if let stats {
            var seconds = batch.stages.seconds
            let inIssue = ["render", "compose", "sign"].reduce(0.0) { $0 + (seconds[$1] ?? 0) }
            seconds["write"] = max(0, (seconds["issue"] ?? 0) - inIssue)
            // Not seconds: how many sets of subset fonts the run made (1 when the batch's were foreseen).
            seconds["font_generations"] = Double(FontSubsets.shared.generation)
            try? PosixFS.writeAtomically(Array(try SpoolJSON.encode(seconds)), to: stats, tempFolder: PosixFS.parentPath(stats))
        }
        if !(options.quiet && report.isQuiet) {
            print(report.summary(spool: configuration.spool), terminator: "")
        }
        if let stop = report.stoppedBy {
            FileHandleStderr.write("mailbatch: \(report.stopIsConfiguration ? "configuration error: " : "")\(stop)\n")
        }
        let code = ErrorExit.code(for: report.outcome)
        if code != ExitCodes.success { throw ExitCode(code) }
    }
}
