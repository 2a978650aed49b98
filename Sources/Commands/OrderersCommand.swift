import ArgumentParser
import Config
import Model
import Support
import Viewer

struct OrderersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orderers",
        abstract: "List the orderer directory (with the operator's overrides), show one orderer, or check a project.",
        subcommands: [List.self, Show.self, Check.self],
        defaultSubcommand: List.self)

    static func loadDirectory(_ options: GlobalOptions) throws -> OrdererDirectory {
        try OrdererDirectory.load(try options.loadConfiguration())
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per orderer: prefecture, name, adoption, key submission.")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let directory = try OrderersCommand.loadDirectory(options)
            for orderer in directory.sorted {
                print(OrdererText.line(orderer))
            }
            let asOf = directory.asOf.map { "; the shipped directory is current to \(JapaneseFormat.wareki($0)) (\($0))" } ?? ""
            let others = directory.orderers.count - directory.sorted.count
            let omitted = others == 0 ? "" : "; \(others) more accept only other sureties' certificates (`mailbatch orderers show NAME` shows one)"
            print("\(directory.sorted.count) orderers\(asOf)\(omitted)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything the directory says about one orderer.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The orderer's name, e.g. 日田市.") var name: String

        func run() throws {
            let directory = try OrderersCommand.loadDirectory(options)
            guard let orderer = directory.orderer(named: name) else {
                throw CommandFailure(message: "\(name) is not in the orderer directory", code: ExitCodes.attention)
            }
            print(OrdererText.details(orderer), terminator: "")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide whether a hypothetical project would be delivered electronically, and why.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The orderer's name, e.g. 日田市.") var name: String
        @Option(help: "The project's category.") var category: ContractRecord.Category = .works
        @Option(name: .customLong("contract-on"), help: "The initial contract date (YYYY-MM-DD).") var contractOn: CivilDate?
        @Option(name: .customLong("public-notice-on"), help: "The public-notice date (YYYY-MM-DD).") var publicNoticeOn: CivilDate?
        @Option(help: "The guarantee type (advance_payment, interim_advance_payment, contract, contract_reservation).")
        var type: ContractRecord.GuaranteeType = .advancePayment

        func run() throws {
            let directory = try OrderersCommand.loadDirectory(options)
            let project = IssuancePolicy.Project(orderer: name, category: category, contractOn: contractOn, publicNoticeOn: publicNoticeOn, type: type)
            switch IssuancePolicy.route(project, in: directory) {
            case .electronic(let orderer):
                print("electronic: \(orderer.name) takes 電子保証 for this project")
                print("key notice (\(type.japaneseName)): \(OrdererText.submission(orderer))")
                if let department = orderer.department { print("department: \(department)") }
                print("subject: \(orderer.subject ?? "(the default: 【電子保証】認証キー等のお知らせ（保証契約番号 …）)")")
                print("attachments: \(orderer.attachments.rawValue)")
                if !orderer.requiredFields.isEmpty { print("required fields: \(orderer.requiredFields.joined(separator: ", "))") }
            case .paper(let reason):
                print("paper: \(reason)")
                throw ExitCode(ExitCodes.attention)
            }
        }
    }
}

/// How `mailbatch orderers` prints an orderer.
enum OrdererText {
    static func month(_ date: CivilDate?) -> String {
        guard let date else { return "-" }
        return "\(JapaneseFormat.warekiYear(date))\(date.month)月"
    }

    static func submission(_ orderer: Orderer) -> String {
        if orderer.mailsKeyNotice { return "e-mailed by mailbatch to \(orderer.emails.joined(separator: ", "))" }
        if orderer.takesEmail { return "by e-mail (no address configured: the contractor sends it)" }
        if orderer.submission.isEmpty { return "unknown (the contractor is told to ask the orderer)" }
        return orderer.submission.map(\.rawValue).joined(separator: " or ")
    }

    static func line(_ o: Orderer) -> String {
        let prefecture = o.prefecture.isEmpty ? "(国)" : o.prefecture
        return "\(prefecture)\t\(o.name)\t\(month(o.adopted ?? o.worksFrom))\t\(submission(o))"
    }

    static func details(_ o: Orderer) -> String {
        var text = "name: \(o.name)\n"
        text += "prefecture: \(o.prefecture.isEmpty ? "(national)" : o.prefecture)\n"
        text += "title: \(o.title ?? "(none: records must give orderer.title)")\n"
        text += "adopted: \(month(o.adopted))\n"
        text += "basis: \(o.basis.dateName) (\(o.basis.field))\n"
        text += "works from: \(o.startDate(for: .works).map(JapaneseFormat.wareki) ?? "not adopted")\n"
        text += "\(o.consultingLabel) from: \(o.startDate(for: .consulting).map(JapaneseFormat.wareki) ?? "not adopted")\n"
        text += "key notice: \(submission(o))\n"
        text += OrdererText.arrivalLines(o)
        if let department = o.department { text += "department: \(department)\n" }
        text += "certificate print-out: \(o.certificatePrintout == .submit ? "submitted with the key notice" : "not accepted (key notice only)")\n"
        if o.withAdvanceClaim { text += "with 前払金請求書: yes\n" }
        if let subject = o.subject { text += "subject: \(subject)\n" }
        if let instructions = o.instructions { text += "instructions: \(instructions)\n" }
        text += "attachments: \(o.attachments == .pdf ? "pdf (the key notice, the print-out and the data)" : "none (the key is in the mail's text)")\n"
        if !o.requiredFields.isEmpty { text += "required fields: \(o.requiredFields.joined(separator: ", "))\n" }
        for (key, type) in OrdererFileParser.typeTables {
            let explicit = o.typeRules[type] != nil
            let inherited = type == .interimAdvancePayment && !explicit && o.typeRules[.advancePayment] != nil
            guard explicit || inherited else { continue }
            let r = o.rules(for: type)
            text += "for \(type.japaneseName) (\(key)\(inherited ? ", from advance_payment" : "")): key notice \(submission(r))"
            if let department = r.department { text += "; department \(department)" }
            if let subject = r.subject { text += "; subject \(subject)" }
            if let arrival = arrivalName(r.arrival) { text += "; arrival \(arrival)" }
            text += "; attachments \(r.attachments.rawValue)"
            if !r.requiredFields.isEmpty { text += "; required \(r.requiredFields.joined(separator: ", "))" }
            text += "\n"
        }
        text += "source: \(sourceName(o.source))\n"
        return text
    }

    static func sourceName(_ source: String) -> String {
        switch source {
        case "table": "the brochure's adoption table (as of 令和7年5月1日)"
        case "brochure": "the brochure's Q&A or leaflet"
        case "published": "the orderer's published page"
        case "reported": "reported to the surety; its public page was not at hand (confirm with the orderer)"
        case "operator": "the operator's file"
        default: source
        }
    }
}
