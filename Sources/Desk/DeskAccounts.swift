import Foundation
import Glibc
import Support

/// One person who may sign in to the desk.
package struct DeskAccount: Codable, Sendable, Equatable {
    package enum Role: String, Codable, Sendable, CaseIterable {
        /// Sees everything and acts (resend, retry, reissue, revoke, take back).
        case `operator`
        /// Sees everything, acts on nothing.
        case reader
    }

    package let name: String
    package var role: Role
    package let created: String
    /// Bumped by a new password and by removal: a session opened before it ends.
    package var generation: Int
    package var password: PasswordHash
}

/// What went wrong with the accounts file or a request to change it, in words that say what to do.
package struct DeskAccountError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// The desk's accounts: a JSON file (mode 0600) that is the operator's to back up, read whole and
/// replaced whole (temp file, fsync, rename) under an exclusive lock on `<file>.lock`, so two
/// `desk-user` commands and a running desk never lose each other's changes.
package struct DeskAccounts: Sendable {
    package let path: String

    private struct File: Codable {
        var schema = "mailbatch.desk-users/v1"
        var accounts: [DeskAccount]
        /// Never reused, so a removed name added again does not revive an old session.
        var nextGeneration: Int

        enum CodingKeys: String, CodingKey {
            case schema, accounts
            case nextGeneration = "next_generation"
        }
    }

    package init(path: String) { self.path = path }

    /// Letters, digits and `._-@`, 1–64 of them: nothing that is markup, a space or a path.
    package static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && !name.hasPrefix(".") && !name.hasPrefix("-")
            && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0) }
    }

    package static func checkPassword(_ password: String) throws(DeskAccountError) {
        guard password.count >= PasswordHash.minimumLength else {
            throw DeskAccountError("the password is too short: give at least \(PasswordHash.minimumLength) characters")
        }
        guard password.utf8.count <= 1024 else { throw DeskAccountError("the password is too long: give at most 1024 bytes") }
    }

    package func all() throws(DeskAccountError) -> [DeskAccount] { try read().accounts }

    package func account(named name: String) -> DeskAccount? {
        (try? read())?.accounts.first { $0.name == name }
    }

    package func add(_ name: String, role: DeskAccount.Role, password: String, now: Int) throws(DeskAccountError) {
        guard Self.isValidName(name) else {
            throw DeskAccountError("\"\(name)\" cannot be a desk user name: use letters, digits and . _ - @ only (no spaces, slashes or markup)")
        }
        try Self.checkPassword(password)
        let hash = try hashed(password)
        try update { file throws(DeskAccountError) in
            guard !file.accounts.contains(where: { $0.name == name }) else {
                throw DeskAccountError("the desk user \(name) exists already: `mailbatch desk-user passwd \(name)` sets a new password")
            }
            file.accounts.append(
                DeskAccount(name: name, role: role, created: JST.iso8601(epochSeconds: now), generation: file.nextGeneration, password: hash))
            file.nextGeneration += 1
        }
    }

    package func remove(_ name: String) throws(DeskAccountError) {
        try update { file throws(DeskAccountError) in
            guard file.accounts.contains(where: { $0.name == name }) else { throw Self.noSuchUser(name) }
            file.accounts.removeAll { $0.name == name }
            file.nextGeneration += 1
        }
    }

    package func setPassword(_ name: String, password: String) throws(DeskAccountError) {
        try Self.checkPassword(password)
        let hash = try hashed(password)
        try update { file throws(DeskAccountError) in
            guard let index = file.accounts.firstIndex(where: { $0.name == name }) else { throw Self.noSuchUser(name) }
            file.accounts[index].password = hash
            file.accounts[index].generation = file.nextGeneration
            file.nextGeneration += 1
        }
    }

    private static func noSuchUser(_ name: String) -> DeskAccountError {
        DeskAccountError("there is no desk user \(name); `mailbatch desk-user list` shows them")
    }

    private func hashed(_ password: String) throws(DeskAccountError) -> PasswordHash {
        do {
            return try PasswordHash.make(password)
        } catch {
            throw DeskAccountError("cannot hash the password: \(error)")
        }
    }

    private func read() throws(DeskAccountError) -> File {
        guard PosixFS.exists(path) else { return File(accounts: [], nextGeneration: 1) }
        do {
            return try JSONDecoder().decode(File.self, from: Data(PosixFS.read(path)))
        } catch {
            throw DeskAccountError("cannot read the desk's accounts \(path): \(error); restore it from the backup or remove it and add the users again")
        }
    }

    private func update(_ change: (inout File) throws(DeskAccountError) -> Void) throws(DeskAccountError) {
        let folder = PosixFS.parentPath(path)
        guard PosixFS.isDirectory(folder) else {
            throw DeskAccountError("the folder of the desk's accounts \(folder) does not exist; create it or set [desk] users_file")
        }
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw DeskAccountError("cannot open \(path).lock: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw DeskAccountError("cannot lock \(path).lock: \(String(cString: strerror(errno)))") }
        }
        var file = try read()
        try change(&file)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try PosixFS.writeAtomically(Array(try encoder.encode(file)) + [0x0A], to: path, tempFolder: folder, mode: 0o600)
        } catch {
            throw DeskAccountError("cannot write the desk's accounts \(path): \(error)")
        }
    }
}
