import CLinux
package import Config
import Documents
import Glibc
import Issuance
package import Logging
import Model
import Operations
package import Store
package import Support
import Synchronization
package import Transport

/// One `mailbatch run`: take the lock, finish what a crashed run left, take in new files one by one,
/// then deliver what is due. One bad file never stops the batch; only a spool that cannot be written
/// (or a broken template) does, and then every file stays where the next run will find it.
package struct BatchRun: Sendable {
    package let configuration: Configuration
    package let logger: Logger
    /// The exit code a run's outcome gets, as the command layer maps it (`ErrorExit`), for `last-run.json`.
    package let exitCode: @Sendable (RunReport.Outcome) -> Int32
    package var now: @Sendable () -> Int = { WallClock.epochSeconds() }
    package var makeTransport: @Sendable (SMTPSettings) throws -> any MailTransport = { try CurlSMTPTransport(settings: $0) }
    /// Draw a progress bar when stdout is a terminal and the batch is large.
    package var showProgress = false
    /// Where time goes, per stage (for `run --stats`).
    package var stages = StageTimer()

    package enum Failure: Error {
        /// Another run holds the lock file named.
        case locked(String)
        case spool(FileSystemError)
        case configuration(String)
        /// The spool's format is newer than this binary, or needs `mailbatch upgrade`.
        case format(SpoolFormat.Problem)
    }

    package func run() throws(Failure) -> RunReport {
        let spool = configuration.spool
        do { try spool.prepare() } catch { throw .spool(error) }
        if let problem = spool.permissionProblem() { throw .configuration(problem) }
        let lock: SpoolLock
        do {
            lock = try SpoolLock(path: spool.lockFile)
        } catch {
            switch error {
            case .heldByAnotherRun(let path): throw .locked(path)
            case .system(let fs): throw .spool(fs)
            }
        }
        defer { withExtendedLifetime(lock) {} }
        do { try SpoolFormat.check(spool) } catch { throw .format(error) }

        let started = now()
        let clock = ContinuousClock.now
        var report = RunReport()
        steps(spool, &report)
        // The operator summary and the metrics file share one pass over contracts/.
        let scan = configuration.notify != nil || configuration.metricsTextfile != nil ? try? ContractScan.take(spool) : nil
        notifyOperator(&report, scan: scan)
        try? spool.write(
            SpoolJSON.encode(LastRun(report: report, exitCode: exitCode(report.outcome), startedAt: started, finishedAt: now())), to: LastRun.path(spool))
        writeMetrics(report, scan: scan, clock: clock)
        return report
    }

    /// `[metrics] textfile`, after every run; a failure to write it is logged, never fatal.
    private func writeMetrics(_ report: RunReport, scan: ContractScan?, clock: ContinuousClock.Instant) {
        guard let path = configuration.metricsTextfile else { return }
        let inventory = try? SpoolInventory.take(configuration.spool, scan: scan, overdue: false)
        let elapsed = ContinuousClock.now - clock
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let metrics = RunMetrics(
            report: report, inventory: inventory, finishedAt: now(), durationSeconds: seconds,
            oldestWaitingAge: inventory?.oldestQueuedEpoch.map { max(0, now() - $0) } ?? 0)
        do {
            try metrics.write(to: path)
        } catch {
            logger.error("cannot write the metrics file", metadata: ["file": "\(path)", "error": "\(error.description)"])
        }
    }

    /// Returned mail, then new records (their mail sent while the others are issued), then the rest of
    /// the delivery; what stops the run early is in the report.
    private func steps(_ spool: Spool, _ report: inout RunReport) {
        let smtp = configuration.smtp
        let makeTransport = makeTransport
        var delivery = OutboxDelivery(
            spool: spool, delivery: configuration.delivery, logger: logger, now: now,
            makeTransport: { try makeTransport(smtp) })
        delivery.returnPath = configuration.bounces?.returnPath
        let gate = VersionGate()
        // Started once the records are about to be issued; it sends only what their commits queue.
        let deliveryPump = DeliveryPump(delivery: delivery, gate: gate, stages: stages)
        var pump: DeliveryPump?
        // Whatever stops the run, the pump is stopped and what it sent is counted.
        func finishPump() -> (seen: Set<String>, health: ConnectionHealth?) {
            guard let running = pump else { return ([], nil) }
            pump = nil
            let (tally, seen, failure) = running.finish()
            report.delivery.add(tally)
            if let failure, report.stoppedBy == nil { report.stoppedBy = failure.description }
            return (seen, running.health)
        }
        do {
            // Returned mail first, so a bounce is in the spool's state before anything is reported.
            report.bounces = try BounceIntake(
                spool: spool, settings: configuration.bounces, schedule: RetrySchedule(configuration.delivery), logger: logger, now: now
            ).takeUp()
            try intake(spool, &report, gate: gate, committed: { deliveryPump.offer(contract: $0) }) {
                deliveryPump.start()
                pump = deliveryPump
            }
            if configuration.notify?.contractorOnView == true {
                let templates = try TemplateLibrary(overrides: configuration.templatesDirectory)
                _ = try ViewNotices(configuration: configuration, templates: templates, now: now).queue(spool)
            }
            _ = try ReceiptNotices(configuration: configuration, now: now).queue(spool)
        } catch let error as FileSystemError {
            _ = finishPump()
            report.stoppedBy = error.description
            logger.error("run stopped", metadata: ["error": "\(error.description)"])
            return
        } catch let error as ConfigurationError {
            _ = finishPump()
            report.stoppedBy = error.description
            report.stopIsConfiguration = true
            return
        } catch {
            _ = finishPump()
            report.stoppedBy = "\(error)"
            return
        }
        let (seen, health) = finishPump()
        if report.stoppedBy != nil { return }
        do {
            let rest = try stages.measure("send") { () throws(FileSystemError) in try delivery.deliverDue(skipping: seen, health: health) }
            report.delivery.add(rest)
        } catch {
            report.stoppedBy = error.description
        }
    }

    /// The summary mail to `[notify] to`, when something new needs a person.
    private func notifyOperator(_ report: inout RunReport, scan: ContractScan?) {
        guard let settings = configuration.notify, !report.stopIsConfiguration else { return }
        let notice = OperatorNotice(spool: configuration.spool, settings: settings, mail: configuration.mail, now: now)
        let smtp = configuration.smtp
        do {
            switch try notice.send(scan: scan, using: { try makeTransport(smtp) }) {
            case .nothingNew: break
            case .sent(let items):
                report.notified = items
                logger.notice("operator summary sent", metadata: ["to": "\(settings.to.joined(separator: ", "))", "items": "\(items)"])
            case .notSent(let reply):
                report.notifyFailure = reply
                logger.error("operator summary not sent; the next run tries again", metadata: ["reply": "\(reply)"])
            }
        } catch {
            report.notifyFailure = error.description
        }
    }

    /// - Parameters:
    ///   - committed: told each contract whose new version this run committed and queued (the pump sends its mail).
    ///   - willIssue: called once, just before records are issued.
    private func intake(
        _ spool: Spool, _ report: inout RunReport, gate: VersionGate, committed: @escaping @Sendable (String) -> Void, willIssue: () throws -> Void
    ) throws {
        let leftovers = try PosixFS.list(spool.processing).filter { !$0.hasPrefix(".") }
        let intake = Intake(spool: spool, logger: logger, now: now)
        // Recovery first: a release a kill cut short puts its record back in incoming/ for this run.
        let finished = try recover(spool)
        let candidates = try intake.candidates()
        // The operator's files are checked on every run, idle or not, so a broken override shows at once.
        let directory = try OrdererDirectory.load(configuration)
        let waiting = WaitingRecords(spool: spool, waitDays: configuration.amendmentWaitDays, now: now)
        defer { report.waiting = waiting.files().count }
        guard !leftovers.isEmpty || !candidates.isEmpty || !waiting.files().isEmpty else { return }
        var processor = try makeProcessor(spool, directory)
        processor.versionGate = gate
        processor.finished = finished.committed
        _ = ProcessUser.name  // getpwuid is not thread-safe: look the user up before the workers start
        try willIssue()
        if !leftovers.isEmpty || !candidates.isEmpty {
            try process(
                leftovers: leftovers, candidates: candidates, intake: intake, processor: processor, directory: directory, committed: committed, &report)
            if let reason = FontSubsets.shared.offReason {
                logger.info("documents were drawn from the full fonts (the same documents, more CPU)", metadata: ["reason": "\(reason)"])
            }
        }
        // Changes that wait for one issued just now are taken up in the same run, a chain in order.
        for _ in 0..<100 {
            let sweep = try waiting.sweep()
            report.rejected += sweep.expired
            if sweep.ready.isEmpty { break }
            for name in sweep.ready {
                logger.info("taking up a waiting record", metadata: ["file": "\(name)"])
                let outcome = try processor.process(name)
                if let number = outcome.committedContract { committed(number) }
                record(outcome, name, directory, &report)
                report.waitingTakenUp += 1
            }
        }
    }

    /// What a crashed run or command left: a key reissue swapped in but not queued, half-built folders.
    private func recover(_ spool: Spool) throws -> ContractStore.Finished {
        let finished = try ContractStore(spool: spool).finishPending(now: now())
        for temp in try PosixFS.list(spool.temp) { try PosixFS.removeTree("\(spool.temp)/\(temp)") }
        return finished
    }

    private func makeProcessor(_ spool: Spool, _ directory: OrdererDirectory) throws -> RecordProcessor {
        let templates: TemplateLibrary
        do {
            templates = try TemplateLibrary(overrides: configuration.templatesDirectory)
        } catch {
            throw ConfigurationError(error.description)
        }
        var builder = IssueBuilder(configuration: configuration, templates: templates, signer: try configuration.loadSigner(), stages: stages)
        builder.pdfSigning = try configuration.loadPDFSigning()
        let issuer = Issuer(spool: spool, builder: builder, now: now)
        return RecordProcessor(spool: spool, issuer: issuer, directory: directory, logger: logger, now: now)
    }

    /// Every record on the worker threads; the first error that stops the run stops them all.
    private func process(
        leftovers: [String], candidates: [[UInt8]], intake: Intake, processor: RecordProcessor, directory: OrdererDirectory,
        committed: @escaping @Sendable (String) -> Void, _ report: inout RunReport
    ) throws {
        enum Item: Sendable {
            case leftover(String)
            case incoming([UInt8])
        }
        struct Shared {
            var report: RunReport
            var progress: ProgressLine
            var done = 0
            var failure: WorkerFailure?

            package init(report: RunReport, progress: ProgressLine, done: Int = 0, failure: WorkerFailure? = nil) {
                self.report = report
                self.progress = progress
                self.done = done
                self.failure = failure
            }
        }
        let items = leftovers.map(Item.leftover) + candidates.map(Item.incoming)
        stages.measure("fonts") {
            let incoming = candidates.compactMap { String(validating: $0, as: UTF8.self).map { "\(processor.spool.incoming)/\($0)" } }
            let paths = leftovers.map { "\(processor.spool.processing)/\($0)" } + incoming
            DocumentRenderer(templates: processor.issuer.builder.templates).prepare(forRecords: Self.characters(of: paths))
        }
        let shared = Mutex(Shared(report: report, progress: ProgressLine(total: items.count, allowed: showProgress)))
        let claims = Mutex(())
        let batch = self
        WorkerPool.run(workers: max(1, configuration.workers), count: items.count, shouldStop: { shared.withLock { $0.failure != nil } }) { i in
            var name: String?
            var outcome: RecordOutcome?
            var failure: WorkerFailure?
            var rejectedName = false
            do {
                switch items[i] {
                case .leftover(let leftover):
                    batch.logger.info("resuming a file a previous run left in processing/", metadata: ["file": "\(leftover)"])
                    name = leftover
                case .incoming(let raw):
                    // Claims are renames in one folder; one at a time keeps the free-name choice for rejects race-free.
                    switch try claims.withLock({ _ in try intake.claim(raw) }) {
                    case .claimed(let claimed): name = claimed
                    case .rejectedName: rejectedName = true
                    case .skipped: break
                    }
                }
                if let name { outcome = try processor.process(name) }
                if let number = outcome?.committedContract { committed(number) }
            } catch let error as FileSystemError {
                failure = .fileSystem(error)
            } catch let error as ConfigurationError {
                failure = .configuration(error)
            } catch {
                // Anything else went wrong with this record alone: it is held, the run goes on.
                do {
                    if let name { outcome = try processor.hold(name, because: "\(error)") } else { failure = WorkerFailure(error) }
                } catch {
                    failure = WorkerFailure(error)
                }
            }
            shared.withLock { s in
                if let outcome, let name { batch.record(outcome, name, directory, &s.report) }
                if rejectedName { s.report.rejected += 1 }
                if let failure, s.failure == nil { s.failure = failure }
                s.done += 1
                s.progress.update(s.done, "issuing")
                // Each record allocates and frees ~1 MB of PDFs and mail; with several worker arenas glibc
                // keeps growing the heap unless told now and then to hand free pages back.
                if s.done % 64 == 0 { mb_malloc_trim() }
            }
        }
        let final = shared.withLock { $0 }
        final.progress.finish()
        report = final.report
        if let failure = final.failure { throw failure.error }
    }

    /// The characters of the records at `paths` (whatever they hold; unreadable ones are skipped: the
    /// workers will say why).
    private static func characters(of paths: [String]) -> Set<Unicode.Scalar> {
        var characters: Set<Unicode.Scalar> = []
        for path in paths {
            guard case .bytes(let bytes)? = try? PosixFS.readRegularFile(path, limit: 1 << 20) else { continue }
            characters.formUnion(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        }
        return characters
    }

    private func record(_ outcome: RecordOutcome, _ name: String, _ directory: OrdererDirectory, _ report: inout RunReport) {
        report.add(outcome)
        switch outcome {
        case .issued(let number, let ordererName):
            logger.info("issued", metadata: ["file": "\(name)", "contract": "\(number)", "orderer": "\(ordererName)"])
            if let orderer = directory.orderer(named: ordererName), let warning = orderer.configurationWarning,
                !report.warnings.contains(warning)
            {
                report.warnings.append(warning)
                logger.warning("configuration", metadata: ["warning": "\(warning)"])
            }
        case .completed(let number):
            logger.info("issued", metadata: ["file": "\(name)", "contract": "\(number)"])
        case .postponed(let reason):
            let warning = "\(reason); the contracts it holds stay in processing/ and the next run issues them (check [pdf_signing] tsa_url)"
            if !report.warnings.contains(warning) { report.warnings.append(warning) }
        default: break
        }
    }

    package init(
        configuration: Configuration, logger: Logger, exitCode: @escaping @Sendable (RunReport.Outcome) -> Int32,
        now: @escaping @Sendable () -> Int = { WallClock.epochSeconds() },
        makeTransport: @escaping @Sendable (SMTPSettings) throws -> any MailTransport = { try CurlSMTPTransport(settings: $0) }, showProgress: Bool = false,
        stages: StageTimer = StageTimer()
    ) {
        self.configuration = configuration
        self.logger = logger
        self.exitCode = exitCode
        self.now = now
        self.makeTransport = makeTransport
        self.showProgress = showProgress
        self.stages = stages
    }
}
