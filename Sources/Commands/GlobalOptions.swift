import ArgumentParser
import Config
import Logging
import Support
import Viewer

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (default: $MAILBATCH_CONFIG or ./mailbatch.toml).")
    var config: String?

    @Flag(name: .long, help: "Log only warnings and errors, and print nothing when all went well.")
    var quiet = false

    @Flag(name: .long, help: "Log debug detail.")
    var verbose = false

    @Option(name: .long, help: "Log lines as text or as one JSON object a line.")
    var logFormat: LineLogHandler.Format = .text

    func loadConfiguration() throws(ConfigurationError) -> Configuration {
        try ConfigurationLoader.load(path: config ?? ConfigurationLoader.defaultPath())
    }

    func makeLogger() -> Logger {
        let format = logFormat
        var logger = Logger(label: "mailbatch") { LineLogHandler(label: $0, format: format, timestamps: !LineLogHandler.underJournal) }
        logger.logLevel = verbose ? .debug : (quiet ? .warning : .info)
        return logger
    }
}

/// An error that ends a command with a message on stderr and a specific exit code.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    let code: Int32
    var description: String { message }
}
