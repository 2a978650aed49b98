/// mailbatch's release, printed by `mailbatch --version` and used to name the Debian package.
enum MailBatchVersion {
    static let current = "1.1.0"
}
