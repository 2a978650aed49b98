import ArgumentParser

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Process spool/incoming/: validate, issue certificates and keys, and send the notifications.",
        discussion:
            "Exit codes: 0 all handled; 1 something was rejected or dead-lettered; 2 usage or configuration error; 75 temporary (another run holds the lock, or mail was deferred)."
    )

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let configuration = try options.loadConfiguration()
        let logger = options.makeLogger()
        let report: RunReport
        do {
            var batch = BatchRun(configuration: configuration, logger: logger)
            batch.showProgress = !options.quiet
            report = try batch.run()
        } catch {
            switch error {
            case .locked:
                throw CommandFailure(message: "another mailbatch run holds \(configuration.spool.lockFile); try again later", code: ExitCodes.temporary)
            case .spool(let fs):
                throw CommandFailure(message: "spool error: \(fs.description)", code: ExitCodes.temporary)
            case .configuration(let message):
                throw CommandFailure(message: "configuration error: \(message)", code: ExitCodes.usage)
            }
        }
        if !(options.quiet && report.isQuiet) {
            print(report.summary(spool: configuration.spool), terminator: "")
        }
        if let stop = report.stoppedBy {
            FileHandleStderr.write("mailbatch: \(report.stopIsConfiguration ? "configuration error: " : "")\(stop)\n")
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
