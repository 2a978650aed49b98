import ArgumentParser
import Config
import Foundation
import Model
import Operations
import Store
import Support
import Viewer

/// The counts come from one pass over the spool (`SpoolInventory`, each contract read once through `ContractScan`).
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Counts per state, the oldest waiting message, and the last run's outcome.")
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print JSON for monitoring.") var json = false

    func run() throws {
        let configuration = try options.loadConfiguration()
        let inventory = try SpoolInventory.take(
            configuration.spool, unviewedAfterSeconds: configuration.notify?.unviewedAfterSeconds ?? NotifySettings.defaultUnviewedAfterSeconds,
            unconfirmedAfterSeconds: configuration.notify?.unconfirmedAfterSeconds,
            bounceMaildir: configuration.bounces?.maildir)
        if json {
            print(String(decoding: try SpoolJSON.encode(inventory), as: UTF8.self), terminator: "")
        } else {
            print(inventory.text, terminator: "")
        }
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "A contract's facts, documents, messages with every attempt and reply, and history.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The 保証契約番号.") var contractNumber: String
    @Flag(name: .customLong("reveal-key"), help: "Also print the 認証キー (recorded in the contract's history and the audit log).") var revealKey = false
    @Option(help: "With --reveal-key: why, for the contract's history and the audit log (one line).") var reason: String?

    func validate() throws {
        if reason != nil, !revealKey { throw ValidationError("--reason goes with --reveal-key (show alone records nothing)") }
    }

    func run() throws {
        let configuration = try options.loadConfiguration()
        let logger = options.makeLogger()
        var text = try ContractReport(spool: configuration.spool, number: contractNumber).text()
        if revealKey {
            let actor = OperatorActor.commandLine()
            let key = try OperatorActions(configuration: configuration, actor: actor).revealKey(
                contractNumber, reason: reason ?? OperatorActions.reasonNotGiven("show --reveal-key"))
            text += "認証キー: \(key)\n"
            logger.notice("key revealed", metadata: ["contract": "\(contractNumber)", "user": "\(actor.name)"])
        }
        print(text, terminator: "")
    }
}

struct ResendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resend", abstract: "Queue a contract's notification(s) again, exactly as issued; the next run sends them.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The 保証契約番号.") var contractNumber: String
    @Option(help: "Which notification.") var to: Requeue.Target = .all
    @Option(help: "Send to this corrected address instead of the original To.") var address: String?
    @Option(help: "Send with this Cc instead of the original one (for example the contractor's corrected address).") var cc: String?
    @Flag(name: .customLong("no-cc"), help: "Send without the original Cc.") var noCc = false
    @Option(help: "Why, for the contract's history and the audit log (one line).") var reason: String?

    func validate() throws {
        if cc != nil, noCc { throw ValidationError("give --cc ADDRESS or --no-cc, not both") }
    }

    func run() throws {
        let configuration = try options.loadConfiguration()
        let change: Requeue.CcChange? = noCc ? .drop : cc.map { .replace($0) }
        let actions = OperatorActions(configuration: configuration, actor: .commandLine())
        let lines = try actions.resend(contractNumber, to: to, address: address, cc: change, reason: reason ?? OperatorActions.reasonNotGiven("resend"))
        for line in lines { print(line) }
    }
}

struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Make deferred messages due now and put failed ones back in the outbox.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "A 保証契約番号 (or --all).") var contractNumber: String?
    @Flag(help: "Every deferred and failed message.") var all = false
    @Option(help: "Why, for the contract's history and the audit log (one line).") var reason: String?

    func validate() throws {
        guard (contractNumber != nil) != all else { throw ValidationError("give a contract number or --all") }
    }

    func run() throws {
        let configuration = try options.loadConfiguration()
        let actions = OperatorActions(configuration: configuration, actor: .commandLine())
        let lines = try actions.retry(contractNumber, reason: reason ?? OperatorActions.reasonNotGiven("retry"))
        if lines.isEmpty { print("nothing to retry") }
        for line in lines { print(line) }
    }
}

struct ReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Take a held record back after its cause was corrected: it goes back to incoming/, its note to released/.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The record's name in held/ (as the run's summary and `mailbatch status` show it).") var name: String
    @Option(help: "Why, for the audit log (one line).") var reason: String

    func run() throws {
        let configuration = try options.loadConfiguration()
        let lines = try OperatorActions(configuration: configuration, actor: .commandLine()).releaseHeld(name, reason: reason)
        for line in lines { print(line) }
    }
}
