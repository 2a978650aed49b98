import ArgumentParser
import Config
import Operations
import Support
import Viewer

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, spool, templates, fonts, orderers and the SMTP server (connects, sends nothing).")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        let configuration: Configuration
        do {
            configuration = try ConfigurationLoader.load(path: options.config ?? ConfigurationLoader.defaultPath())
        } catch {
            // Nothing else can be checked without a configuration: say what is wrong the way `run` does.
            show(Doctor.Check(name: "configuration", ok: false, detail: error.description, fix: "correct the file at the line and column named"))
            print("1 check failed")
            throw ExitCode(ExitCodes.usage)
        }
        let checks = Doctor(configuration: configuration).run()
        checks.forEach(show)
        let failed = checks.filter { !$0.ok }.count
        print(failed == 0 ? "all checks passed" : "\(failed) check(s) failed")
        if failed > 0 { throw ExitCode(ExitCodes.attention) }
    }

    private func show(_ check: Doctor.Check) {
        print("\(check.ok ? "ok  " : "FAIL") \(check.name.padding(toLength: 14))\(check.detail)")
        if let fix = check.fix { print("     \(String(repeating: " ", count: 14))fix: \(fix)") }
    }
}
