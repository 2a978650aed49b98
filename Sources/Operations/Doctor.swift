import CPangoCairo
package import Config
import Documents
import Glibc
import Issuance
import Model
import Support
import Transport

/// `mailbatch doctor`: checks what a run depends on and says how to fix what is wrong.
package struct Doctor {
    package struct Check {
        package let name: String
        package let ok: Bool
        package let detail: String
        package let fix: String?

        package init(name: String, ok: Bool, detail: String, fix: String?) {
            self.name = name
            self.ok = ok
            self.detail = detail
            self.fix = fix
        }
    }

    package let configuration: Configuration

    package func run() -> [Check] {
        var checks = [Check(name: "configuration", ok: true, detail: configuration.file, fix: nil)]
        checks += spool()
        checks.append(templatesAndDocuments())
        checks += fonts()
        checks.append(orderers())
        checks += pdfSigning()
        checks.append(smtp())
        return checks
    }

    private func spool() -> [Check] {
        let spool = configuration.spool
        var out: [Check] = []
        for folder in [spool.root] + spool.allFolders {
            var info = stat()
            guard lstat(folder, &info) == 0 else {
                out.append(
                    Check(
                        name: "spool", ok: false, detail: "\(folder) is missing",
                        fix: "run `mailbatch run` once (it creates the folders), or mkdir -m 700 \(folder)"))
                continue
            }
            if (info.st_mode & S_IFMT) != S_IFDIR {
                out.append(Check(name: "spool", ok: false, detail: "\(folder) is not a folder", fix: "move it away; mailbatch needs a folder there"))
            } else if info.st_uid != geteuid() {
                out.append(
                    Check(
                        name: "spool", ok: false, detail: "\(folder) belongs to uid \(info.st_uid), not to \(ProcessUser.name)",
                        fix: "chown \(ProcessUser.name) \(folder)"))
            } else if info.st_mode & 0o022 != 0, folder != spool.incoming {
                out.append(Check(name: "spool", ok: false, detail: "\(folder) can be written by other users", fix: "chmod 700 \(folder)"))
            } else if access(folder, W_OK) != 0 {
                out.append(Check(name: "spool", ok: false, detail: "\(folder) is not writable", fix: "check the mount (read-only?) and the permissions"))
            }
        }
        if out.isEmpty { out.append(Check(name: "spool", ok: true, detail: "\(spool.root): folders present, owner-only", fix: nil)) }
        return out
    }

    private func templatesAndDocuments() -> Check {
        do {
            let templates = try TemplateLibrary(overrides: configuration.templatesDirectory)
            let record = try ContractValidator.validate(Array(DoctorSample.record.utf8))
            let orderer = Orderer(name: record.orderer.name, title: record.orderer.title, submission: [.email], emails: ["doctor@example.jp"])
            let bundle = try IssueBuilder(configuration: configuration, templates: templates)
                .build(
                    record, orderer: orderer, title: record.orderer.title ?? record.orderer.name, key: IssueBuilder.sampleKey,
                    epochSeconds: WallClock.epochSeconds(), sample: true)
            let sizes = bundle.documents.map { "\($0.kind.rawValue) \($0.bytes.count / 1024) KiB" }.joined(separator: ", ")
            return Check(
                name: "templates", ok: true, detail: "\(templates.names.count) templates; a sample renders (\(sizes); \(bundle.messages.count) mails)",
                fix: nil)
        } catch {
            return Check(
                name: "templates", ok: false, detail: "\(error)",
                fix: "correct the template named above (in \(configuration.templatesDirectory ?? "the shipped set"))")
        }
    }

    private func fonts() -> [Check] {
        let families = ["IPAexMincho", "IPAexGothic", "IPAmjMincho", "Noto Serif CJK JP", "Noto Sans CJK JP"].map { family in
            let matched = FontMatch.best(family)?.family
            let ok = matched?.lowercased() == family.lowercased()
            return Check(
                name: "font", ok: ok, detail: ok ? family : "\(family) not found (fontconfig offers \(matched ?? "nothing"))",
                fix: ok ? nil : "apt-get install -y fonts-ipaexfont fonts-ipamj-mincho fonts-noto-cjk (scripts/setup does)")
        }
        // Not a fault either way: without subsets the documents are the same, only slower to draw.
        _ = FontSubsets.shared.lease(for: "保証".unicodeScalars).map { FontSubsets.shared.giveBack($0) }
        let subsets = Check(
            name: "font subsets", ok: true,
            detail: FontSubsets.shared.offReason.map { "off, documents drawn from the full fonts (slower): \($0)" }
                ?? "IPAex is cut down to the characters in use before drawing (same documents, less CPU)",
            fix: nil)
        return families + [subsets]
    }

    private func orderers() -> Check {
        do {
            let directory = try OrdererDirectory.load(overrides: configuration.orderersFile)
            let missing = directory.sorted.filter { $0.takesEmail && $0.emails.isEmpty }.map(\.name)
            let note = missing.isEmpty ? "" : "; by e-mail without an address: \(missing.joined(separator: ", "))"
            return Check(
                name: "orderers", ok: true, detail: "\(directory.orderers.count) orderers\(note)",
                fix: missing.isEmpty ? nil : "add email = [...] for them in \(configuration.orderersFile ?? "an [orderers] file") to mail their key notices")
        } catch {
            return Check(name: "orderers", ok: false, detail: error.description, fix: "correct the orderer file named above")
        }
    }

    private func smtp() -> Check {
        let s = configuration.smtp
        let what = "\(s.url) (tls \(s.tls.rawValue)\(s.username != nil ? ", AUTH as \(s.username!)" : ""))"
        do {
            let transport = try CurlSMTPTransport(settings: s)
            switch transport.probe() {
            case .accepted(let reply, _):
                return Check(
                    name: "smtp", ok: true,
                    detail: "\(what): EHLO\(s.tls == .none ? "" : ", TLS")\(s.username != nil ? ", AUTH" : "") and NOOP answered \(reply)", fix: nil)
            case .temporary(let reply, _), .permanent(let reply):
                return Check(
                    name: "smtp", ok: false, detail: "\(what): \(reply)",
                    fix: "check [smtp] url, tls, ca_file and the credentials; is the relay up and reachable from here?")
            }
        } catch {
            return Check(name: "smtp", ok: false, detail: "\(what): \(error)", fix: "check the libcurl installation")
        }
    }

    package init(configuration: Configuration) {
        self.configuration = configuration
    }
}

/// A record the doctor renders to check templates and fonts end to end.
package enum DoctorSample {
    package static let record = """
        {"schema": "mailbatch.contract/v1", "contract_number": "DOCTOR-0001", "guarantee_type": "advance_payment",
         "concluded_on": "2025-06-20", "application": {"channel": "e-net", "delivery": "electronic"},
         "contractor": {"name": "株式会社髙﨑𠮷建設", "representative": "代表取締役 山田 太郎", "address": "鹿児島県日置市伊集院町郡一丁目100番地",
                        "email": "doctor@example.jp"},
         "orderer": {"name": "日置市", "title": "日置市長"},
         "project": {"name": "市道伊集院北線道路改良工事", "location": "日置市伊集院町大田地内", "category": "works",
                     "public_notice_on": "2025-06-02", "contract_on": "2025-06-18", "period": {"from": "2025-06-19", "to": "2026-03-13"},
                     "contract_amount": 48400000},
         "guarantee": {"amount": 19360000, "period": {"from": "2025-06-20", "to": "2026-03-27"}, "premium": 52000}}
        """
}
