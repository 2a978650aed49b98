package import Foundation
import Support

/// Who asked for an operator action, from where: named in the contract's history and the audit log.
package struct OperatorActor: Sendable, Equatable {
    package enum Channel: String, Sendable, Codable {
        case cli, desk
    }

    /// The operator's account (the desk) or login name (the command line).
    package let name: String
    package let channel: Channel
    /// The client's IP address for the desk; for the command line the SSH client's, else `local`.
    package let address: String

    package init(name: String, channel: Channel, address: String) {
        self.name = name
        self.channel = channel
        self.address = address
    }

    /// The person at the command line: the one who ran `sudo` (SUDO_USER), else the login name
    /// (LOGNAME, USER), else the OS user; from the SSH client's address when there is one.
    package static func commandLine(environment: [String: String] = ProcessInfo.processInfo.environment) -> OperatorActor {
        let name = ["SUDO_USER", "LOGNAME", "USER"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ProcessUser.name
        let address = environment["SSH_CONNECTION"].flatMap { $0.split(separator: " ").first.map(String.init) } ?? "local"
        return OperatorActor(name: name, channel: .cli, address: address)
    }

    /// `山田 via desk from 10.0.0.5`, as one line whatever the names hold.
    package var phrase: String {
        "\(LineLogHandler.oneLine(name)) via \(channel.rawValue) from \(LineLogHandler.oneLine(address))"
    }
}
