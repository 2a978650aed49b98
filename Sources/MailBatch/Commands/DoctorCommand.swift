import ArgumentParser

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, spool, templates, fonts, orderers and the SMTP server (connects, sends nothing).")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        let configuration = try options.loadConfiguration()
        let checks = Doctor(configuration: configuration).run()
        for check in checks {
            print("\(check.ok ? "ok  " : "FAIL") \(check.name.padding(toLength: 14))\(check.detail)")
            if let fix = check.fix { print("     \(String(repeating: " ", count: 14))fix: \(fix)") }
        }
        let failed = checks.filter { !$0.ok }.count
        print(failed == 0 ? "all checks passed" : "\(failed) check(s) failed")
        if failed > 0 { throw ExitCode(ExitCodes.attention) }
    }
}
