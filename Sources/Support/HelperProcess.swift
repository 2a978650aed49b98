import CLinux
import Glibc

/// Runs a helper program (the sisimai reader) on some bytes and takes what it prints, within a time
/// limit that holds whatever the helper does: it starts with no signal blocked and every signal at
/// its default disposition (a thread of mailbatch may block some, and a blocked mask is inherited
/// through exec), in a process group of its own, and at the deadline that whole group is killed with
/// SIGKILL, which no helper can ignore. Its input is an in-memory file, so a helper that never reads
/// cannot block mailbatch either.
package struct HelperProcess: Sendable {
    package let path: String
    package var arguments: [String] = []
    package var timeoutSeconds: Int
    /// Output beyond this is a failure (a helper gone wrong), not read into memory.
    package var outputLimit: Int = 4 << 20

    package enum Outcome: Sendable, Equatable {
        case exited(status: Int32, output: [UInt8])
        case killedBySignal(Int32)
        /// Killed with SIGKILL after `timeoutSeconds`.
        case timedOut
        case outputTooLarge
        case cannotStart(String)
    }

    package func run(input: [UInt8]) -> Outcome {
        let inputFD = mb_memfd_create("mailbatch-helper-input")
        guard inputFD >= 0 else { return .cannotStart("memfd_create: \(String(cString: strerror(errno)))") }
        defer { close(inputFD) }
        var written = 0
        while written < input.count {
            let n = input.withUnsafeBytes { write(inputFD, $0.baseAddress! + written, input.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return .cannotStart("cannot write the helper's input: \(String(cString: strerror(errno)))") }
            written += n
        }
        lseek(inputFD, 0, SEEK_SET)
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { return .cannotStart("pipe: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (pipeFDs[0], pipeFDs[1])
        // Neither end leaks into another child; the helper gets the write end as its stdout only.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        defer { close(readEnd) }
        let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { if devNull >= 0 { close(devNull) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inputFD, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, devNull >= 0 ? devNull : writeEnd, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in 1..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&defaults, Int32(signal)) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let started = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        close(writeEnd)
        guard started == 0 else { return .cannotStart("cannot start \(path): \(String(cString: strerror(started)))") }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Self.monotonicMilliseconds() + timeoutSeconds * 1000
        var ending: Outcome?
        while ending == nil {
            let left = deadline - Self.monotonicMilliseconds()
            if left <= 0 {
                ending = .timedOut
                break
            }
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left, 1000)))
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output += buffer[0..<n]
            if output.count > outputLimit { ending = .outputTooLarge }
        }
        if ending != nil {
            // Before the helper is reaped its process group cannot be another's.
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
        // The helper closed its output (or was killed): it ends now; one that closed its output and
        // still runs is given until the deadline, then killed.
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { return ending ?? .cannotStart("waitpid: \(String(cString: strerror(errno)))") }
            if ending == nil && Self.monotonicMilliseconds() >= deadline {
                ending = .timedOut
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
            }
            usleep(10_000)
        }
        if let ending { return ending }
        if status & 0x7f == 0 { return .exited(status: (status >> 8) & 0xff, output: output) }
        return .killedBySignal(status & 0x7f)
    }

    package static func monotonicMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
    }

    package init(path: String, arguments: [String] = [], timeoutSeconds: Int, outputLimit: Int = 4 << 20) {
        self.path = path
        self.arguments = arguments
        self.timeoutSeconds = timeoutSeconds
        self.outputLimit = outputLimit
    }
}
