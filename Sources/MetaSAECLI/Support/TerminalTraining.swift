import Foundation
import MetaSAETraining

/// Training progress on stderr (epoch, batch, running loss) when it is a
/// terminal; log lines go to stdout unless quiet.
final class TerminalTraining: TrainingObserver, @unchecked Sendable {
    private let showProgress: Bool
    private let quiet: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    /// Leads every line: where in a longer job this training sits.
    private let prefix: String

    /// `logLines` false keeps stdout for the caller's own summary lines.
    init(quiet: Bool, prefix: String = "", logLines: Bool = true) {
        self.quiet = quiet || !logLines
        self.prefix = prefix
        showProgress = !quiet && Terminal.stderrIsTerminal
    }

    func progress(stage: String, done: Int, total: Int, loss: Float) {
        guard showProgress else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
        lastDraw = now
        Terminal.put(String(format: "\r\u{1B}[2K%@%@: batch %d/%d  loss %.5f", prefix, stage, done, total, loss), to: 2)
    }

    func log(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        if showProgress { Terminal.put("\r\u{1B}[2K", to: 2) }
        if !quiet { print(prefix + line) }
    }
}
