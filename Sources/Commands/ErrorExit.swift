import ArgumentParser
import Desk
import Issuance
import Model
import Operations
import Run
import Store
import Support
import Viewer

/// The one place where an error becomes the line an operator reads and the exit code cron sees.
/// Lower layers throw their own errors; nothing below the commands picks an exit code.
enum ErrorExit {
    /// The exit code of a run that returned (README.md, the table of exit codes of `mailbatch run`).
    @Sendable static func code(for outcome: RunReport.Outcome) -> Int32 {
        switch outcome {
        case .handled: ExitCodes.success
        case .attention: ExitCodes.attention
        case .configuration: ExitCodes.usage
        case .temporary: ExitCodes.temporary
        }
    }

    static func map(_ error: any Error) -> (message: String, code: Int32)? {
        switch error {
        case let e as CommandFailure: (e.message, e.code)
        case let e as ConfigurationError: ("configuration error: \(e.description)", ExitCodes.usage)
        case let e as TemplateLibrary.Failure: ("configuration error: \(e.description)", ExitCodes.usage)
        case let e as IssueBuilder.Failure: ("configuration error: \(e.description)", ExitCodes.usage)
        case let e as CertificateSignature.Failure: ("signing error: \(e.description)", ExitCodes.usage)
        case let e as FileSystemError: ("spool error: \(e.description)", ExitCodes.temporary)
        case let e as SpoolLock.Failure:
            switch e {
            case .heldByAnotherRun(let path): ("a mailbatch run holds \(path); try again when it has finished", ExitCodes.temporary)
            case .system(let fs): ("spool error: \(fs.description)", ExitCodes.temporary)
            }
        case let e as BatchRun.Failure:
            switch e {
            case .locked(let path): ("another mailbatch run holds \(path); try again later", ExitCodes.temporary)
            case .spool(let fs): ("spool error: \(fs.description)", ExitCodes.temporary)
            case .configuration(let message): ("configuration error: \(message)", ExitCodes.usage)
            case .format(let problem): ("spool format: \(problem.description)", ExitCodes.usage)
            }
        case let e as SpoolFormat.Problem: ("spool format: \(e.description)", ExitCodes.usage)
        case let e as Spool.NotIssued: (e.description, ExitCodes.attention)
        case let e as Requeue.Failure: (e.description, ExitCodes.attention)
        case let e as OperatorActionError:
            switch e {
            case .refused(let message): (message, ExitCodes.attention)
            case .busy: (e.description, ExitCodes.temporary)
            case .failed(let underlying): map(underlying) ?? ("\(underlying)", ExitCodes.attention)
            }
        case let e as AuditFailure: (e.description, ExitCodes.temporary)
        case let e as KeyReissue.Failure: (e.description, ExitCodes.attention)
        case let e as Preview.Failure: (e.description, ExitCodes.attention)
        case let e as SigningKeyFile.Failure: (e.description, ExitCodes.attention)
        case let e as DeskAccountError: ("desk-user: \(e.description)", ExitCodes.usage)
        default: nil
        }
    }
}
