import ArgumentParser
import Config
import Desk
import Glibc
import Support

/// `mailbatch desk-user add|list|remove|passwd`: the branch desk's accounts.
struct DeskUserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desk-user", abstract: "Add, list, remove the branch desk's accounts, or set a new password.",
        discussion: "The accounts are in [desk] users_file (default: desk-users.json in the spool folder), as scrypt hashes only.",
        subcommands: [Add.self, List.self, Remove.self, Passwd.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; the password is read from standard input (typed twice at a terminal), never from an argument.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The user name: letters, digits and . _ - @.") var name: String
        @Option(help: "operator (sees and acts) or reader (sees only).") var role: DeskAccount.Role

        func run() throws {
            let configuration = try options.loadConfiguration()
            let accounts = DeskAccounts(path: configuration.desk.usersPath(configuration.spool))
            guard DeskAccounts.isValidName(name) else {
                throw DeskAccountError("\"\(name)\" cannot be a desk user name: use letters, digits and . _ - @ only (no spaces, slashes or markup)")
            }
            try accounts.add(name, role: role, password: try PasswordInput.read(for: name), now: WallClock.epochSeconds())
            print("desk user \(name) added (\(role.rawValue)) in \(accounts.path)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The accounts: names, roles, when added (never the hashes).")
        @OptionGroup var options: GlobalOptions

        func run() throws {
            let configuration = try options.loadConfiguration()
            let accounts = try DeskAccounts(path: configuration.desk.usersPath(configuration.spool)).all()
            if accounts.isEmpty { print("no desk users; add one with `mailbatch desk-user add NAME --role operator`") }
            for account in accounts.sorted(by: { $0.name < $1.name }) {
                print("\(account.name.padding(toLength: 20)) \(account.role.rawValue.padding(toLength: 9)) added \(account.created)")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an account; its open sessions end at their next request.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The user name.") var name: String

        func run() throws {
            let configuration = try options.loadConfiguration()
            try DeskAccounts(path: configuration.desk.usersPath(configuration.spool)).remove(name)
            print("desk user \(name) removed")
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a new password (read from standard input); the account's open sessions end.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The user name.") var name: String

        func run() throws {
            let configuration = try options.loadConfiguration()
            let accounts = DeskAccounts(path: configuration.desk.usersPath(configuration.spool))
            guard accounts.account(named: name) != nil else {
                throw DeskAccountError("there is no desk user \(name); `mailbatch desk-user list` shows them")
            }
            try accounts.setPassword(name, password: try PasswordInput.read(for: name))
            print("new password set for desk user \(name)")
        }
    }
}

extension DeskAccount.Role: ExpressibleByArgument {}

/// A password from standard input: at a terminal, typed twice without echo; otherwise the first line.
enum PasswordInput {
    static func read(for name: String) throws(DeskAccountError) -> String {
        guard isatty(0) == 1 else {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw DeskAccountError("no password on standard input: give it as the first line, for example `< passwordfile`")
            }
            return line
        }
        let first = try prompt("password for \(name): ")
        try DeskAccounts.checkPassword(first)
        guard try prompt("the same password again: ") == first else { throw DeskAccountError("the two passwords differ; nothing was changed") }
        return first
    }

    private static func prompt(_ text: String) throws(DeskAccountError) -> String {
        FileHandleStderr.write(text)
        var saved = termios()
        tcgetattr(0, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &silent)
        defer {
            tcsetattr(0, TCSAFLUSH, &saved)
            FileHandleStderr.write("\n")
        }
        guard let line = readLine(strippingNewline: true) else { throw DeskAccountError("no password typed; nothing was changed") }
        return line
    }
}
