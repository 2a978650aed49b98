import Glibc
import Logging

/// One `mailbatch run`: take the lock, finish what a crashed run left, take in new files one by one,
/// then deliver what is due. One bad file never stops the batch; only a spool that cannot be written
/// (or a broken template) does, and then every file stays where the next run will find it.
struct BatchRun {
    let configuration: Configuration
    let logger: Logger
    var now: @Sendable () -> Int = { Clock.epochSeconds() }
    var makeTransport: (SMTPSettings) throws -> any MailTransport = { try CurlSMTPTransport(settings: $0) }

    enum Failure: Error {
        case locked
        case spool(FileSystemError)
        case configuration(String)
    }

    func run() throws(Failure) -> RunReport {
        let spool = configuration.spool
        do { try spool.prepare() } catch { throw .spool(error) }
        let lock: SpoolLock
        do {
            lock = try SpoolLock(path: spool.lockFile)
        } catch {
            switch error {
            case .heldByAnotherRun: throw .locked
            case .system(let fs): throw .spool(fs)
            }
        }
        defer { withExtendedLifetime(lock) {} }

        var report = RunReport()
        do {
            try intake(spool, &report)
        } catch let error as FileSystemError {
            report.stoppedBy = error.description
            logger.error("run stopped", metadata: ["error": "\(error.description)"])
            return report
        } catch let error as ConfigurationError {
            report.stoppedBy = error.description
            report.stopIsConfiguration = true
            return report
        } catch {
            report.stoppedBy = "\(error)"
            return report
        }

        let delivery = OutboxDelivery(
            spool: spool, delivery: configuration.delivery, logger: logger, now: now,
            makeTransport: { [configuration, makeTransport] in try makeTransport(configuration.smtp) })
        do {
            report.delivery = try delivery.deliverDue()
        } catch {
            report.stoppedBy = error.description
        }
        return report
    }

    private func intake(_ spool: Spool, _ report: inout RunReport) throws {
        let leftovers = try PosixFS.list(spool.processing).filter { !$0.hasPrefix(".") }
        let intake = Intake(spool: spool, logger: logger, now: now)
        let candidates = try intake.candidates()
        // An idle run (nothing left over, nothing new) stops here without loading templates or fonts.
        let hasWork = !leftovers.isEmpty || !candidates.isEmpty
        let staleTemps = try PosixFS.list(spool.temp)
        for temp in staleTemps { try PosixFS.removeTree("\(spool.temp)/\(temp)") }
        guard hasWork else { return }

        let templates: TemplateLibrary
        do {
            templates = try TemplateLibrary(overrides: configuration.templatesDirectory)
        } catch {
            throw ConfigurationError(error.description)
        }
        let issuer = Issuer(spool: spool, builder: IssueBuilder(configuration: configuration, templates: templates), now: now)
        let processor = RecordProcessor(spool: spool, issuer: issuer, logger: logger, now: now)

        for name in leftovers {
            logger.info("resuming a file a previous run left in processing/", metadata: ["file": "\(name)"])
            record(try processor.process(name), name, &report)
        }
        for raw in candidates {
            switch try intake.claim(raw) {
            case .claimed(let name): record(try processor.process(name), name, &report)
            case .rejectedName: report.rejected += 1
            case .skipped: break
            }
        }
    }

    private func record(_ outcome: RecordOutcome, _ name: String, _ report: inout RunReport) {
        report.add(outcome)
        switch outcome {
        case .issued(let number), .completed(let number):
            logger.info("issued", metadata: ["file": "\(name)", "contract": "\(number)"])
        default: break
        }
    }
}

enum Clock {
    static func epochSeconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now.tv_sec
    }
}
