import Foundation
import MetaSAETraining

/// Training progress on stderr (epoch, batch, running loss) when it is a
/// terminal; log lines go to stdout unless quiet.
final class TerminalTraining: TrainingObserver, @unchecked Sendable {
    private let showProgress: Bool
    private let quiet: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast

    init(quiet: Bool) {
        self.quiet = quiet
        showProgress = !quiet && Terminal.stderrIsTerminal
    }

    func progress(stage: String, done: Int, total: Int, loss: Float) {
        guard showProgress else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
        lastDraw = now
        Terminal.put(String(format: "\r\u{1B}[2K%@: batch %d/%d  loss %.5f", stage, done, total, loss), to: 2)
    }

    func log(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        if showProgress { Terminal.put("\r\u{1B}[2K", to: 2) }
        if !quiet { print(line) }
    }
}
