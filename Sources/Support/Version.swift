/// mailbatch's release, printed by `mailbatch --version` and used to name the Debian package.
package enum MailBatchVersion {
    package static let current = "1.1.0"
}
