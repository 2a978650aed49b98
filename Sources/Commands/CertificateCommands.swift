import ArgumentParser
import Crypto
import Glibc
import Model
import Operations
import Store
import Support

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a contract number and 認証キー as D-Sure does, or check a certificate.json offline.",
        discussion: """
            mailbatch verify <contract_number> <key>             look the certificate up in the spool
            mailbatch verify --file certificate.json --public-key FILE   check a signed certificate offline
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The 保証契約番号.") var contractNumber: String?
    @Argument(help: "The 認証キー (dashes and spaces optional), or - to read it from standard input (keeps it out of the process list).")
    var key: String?
    @Option(help: "A certificate.json to check offline.") var file: String?
    @Option(name: .customLong("public-key"), help: "The surety's public key (PEM) for --file.") var publicKey: String?
    @Flag(help: "Print the certificate as JSON.") var json = false

    func validate() throws {
        if file != nil {
            guard publicKey != nil, contractNumber == nil else { throw ValidationError("--file needs --public-key and no contract number") }
        } else {
            guard contractNumber != nil, key != nil else { throw ValidationError("give a contract number and a key, or --file and --public-key") }
        }
    }

    func run() throws {
        if let file, let publicKey { return try offline(file, publicKey) }
        let configuration = try options.loadConfiguration()
        let typed = key == "-" ? (readLine(strippingNewline: true) ?? "") : key!
        switch try Verification(spool: configuration.spool).verify(number: contractNumber!, key: typed) {
        case .valid(let certificate, let document):
            print(
                json ? VerificationJSON.make(opened: certificate, document: document, current: nil).pretty : CertificateText.describe(certificate),
                terminator: "")
            if certificate.state == .cancelled {
                throw CommandFailure(
                    message: "this guarantee was cancelled (解約) from \(certificate.cancelledOn?.description ?? "?"): \(certificate.cancellationReason ?? "")",
                    code: ExitCodes.attention)
            }
        case .revoked(let certificate, let document):
            print(
                json ? VerificationJSON.make(opened: certificate, document: document, current: nil).pretty : CertificateText.describe(certificate),
                terminator: "")
            throw CommandFailure(
                message: "this certificate was revoked on \(certificate.revokedAt ?? "?"): \(certificate.revocationReason ?? "")", code: ExitCodes.attention)
        case .superseded(let old, let document, let current):
            print(
                json ? VerificationJSON.make(opened: old, document: document, current: current).pretty : CertificateText.describe(old, current: current),
                terminator: "")
            throw CommandFailure(
                message: "version \(old.currentVersion) of \(current.currentVersion): \(CertificateRows.supersededNotice(current))",
                code: ExitCodes.attention)
        case .replacedKey(let when):
            throw CommandFailure(
                message: "this key was replaced by a new one\(when.map { " on \($0)" } ?? ""); ask the contractor for the current key notice",
                code: ExitCodes.attention)
        case .mismatch:
            throw CommandFailure(message: "the contract number and the key do not match", code: ExitCodes.attention)
        case .notANumber(let looksLikeKey):
            throw CommandFailure(
                message: looksLikeKey
                    ? "the first argument has the shape of a 認証キー, not of a contract number: give the contract number first, then the key"
                    : "the first argument is not a contract number (4 to 32 of A-Z, a-z, 0-9 and '-')",
                code: ExitCodes.usage)
        case .refused(let until):
            throw CommandFailure(
                message: "too many failed attempts for this contract number; try again after \(JST.iso8601(epochSeconds: until))",
                code: ExitCodes.temporary)
        }
    }

    private func offline(_ file: String, _ publicKeyFile: String) throws {
        let key = try SigningKeyFile.loadPublic(publicKeyFile)
        let document: JSONValue
        do {
            document = try StrictJSONParser.parse(try PosixFS.read(file))
        } catch {
            throw CommandFailure(message: "\(file) is not JSON: \(error)", code: ExitCodes.attention)
        }
        let verdict = CertificateSignature.verify(document, with: key)
        if case .valid = verdict {
            print("\(file): \(verdict)")
            if json { print(document.pretty, terminator: "") }
        } else {
            throw CommandFailure(message: "\(file): \(verdict)", code: ExitCodes.attention)
        }
    }
}

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen", abstract: "Write a new Ed25519 key pair for signing certificates (the private key owner-only).")
    @OptionGroup var options: GlobalOptions
    @Option(help: "The folder for signing-key.pem and signing-key.pub.pem.") var out: String = "."

    func run() throws {
        let key = Curve25519.Signing.PrivateKey()
        let privatePath = "\(out)/signing-key.pem"
        let publicPath = "\(out)/signing-key.pub.pem"
        guard !PosixFS.exists(privatePath), !PosixFS.exists(publicPath) else {
            throw CommandFailure(message: "\(privatePath) or \(publicPath) exists already; mailbatch never overwrites a key", code: ExitCodes.attention)
        }
        try PosixFS.makeDirectory(out)
        try PosixFS.writeNew(Array(SigningKeyFile.privatePEM(key).utf8), to: privatePath, sync: true)
        try PosixFS.writeNew(Array(SigningKeyFile.publicPEM(key.publicKey).utf8), to: publicPath, sync: true)
        chmod(publicPath, 0o644)
        print("private key: \(privatePath) (owner-only; name it in [signing] private_key_file)")
        print("public key:  \(publicPath) (give it to orderers; key id \(SigningKeyFile.keyID(key.publicKey)))")
    }
}

struct ReissueKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reissue-key", abstract: "Make a new 認証キー for a contract, revoke the old one, and queue the notifications again.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The 保証契約番号.") var contractNumber: String
    @Option(help: "Why, for the contract's history and the audit log (one line).") var reason: String?

    func run() throws {
        let configuration = try options.loadConfiguration()
        let actions = OperatorActions(configuration: configuration, actor: .commandLine())
        let lines = try actions.reissueKey(contractNumber, reason: reason ?? OperatorActions.reasonNotGiven("reissue-key"))
        for line in lines { print(line) }
    }
}

struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Mark a certificate revoked (verify then refuses it).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The 保証契約番号.") var contractNumber: String
    @Option(help: "Why, for the certificate, the contract's history and the audit log (one line).") var reason: String

    func run() throws {
        let configuration = try options.loadConfiguration()
        let lines = try OperatorActions(configuration: configuration, actor: .commandLine()).revoke(contractNumber, reason: reason)
        for line in lines { print(line) }
    }
}

/// How `verify` prints a certificate: the rows the 保証証書 and the viewer show, then its history.
enum CertificateText {
    static func describe(_ c: Certificate, current: Certificate? = nil) -> String {
        var out = "電子証書 \(c.contractNumber): \(c.state)（\(CertificateRows.stateName(c))）\n"
        if let current { out = CertificateRows.supersededFirstLine(c, current: current) }
        for row in CertificateRows.rows(c).dropFirst() { out += "  \(row.label): \(row.lines.joined(separator: "、"))\n" }
        for event in CertificateRows.history(c) { out += "  \(event.label) \(event.lines.joined())\n" }
        for change in c.changes ?? [] { out += "  変更内容 \(change.item): \(change.before) → \(change.after)\n" }
        return out
    }
}
