import AtomicityMetrics
import Foundation

/// A one-line progress display on stderr: stage, rows done of total, rate
/// and ETA. It draws nothing when stderr is not a terminal or when quiet.
final class TerminalProgress: ProgressSink, @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var stageStart: [String: Date] = [:]
    private var lastDraw = Date.distantPast
    /// Leads every line: where in a longer job this stage sits.
    private let prefix: String

    init(quiet: Bool, prefix: String = "") {
        enabled = !quiet && Terminal.stderrIsTerminal
        self.prefix = prefix
    }

    func update(stage: String, done: Int, total: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let start = stageStart[stage] ?? now
        stageStart[stage] = start
        guard now.timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 1e-6)
        let rate = Double(done) / elapsed
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let percent = total > 0 ? 100 * Double(done) / Double(total) : 100
        let line = prefix + String(format: "%@: %d/%d rows (%.0f%%)  %@ rows/s  ETA %@",
                          stage, done, total, percent, Self.compact(rate), Self.duration(remaining))
        Terminal.put("\r\u{1B}[2K" + line, to: 2)
    }

    func finish(stage: String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        stageStart[stage] = nil
        Terminal.put("\r\u{1B}[2K", to: 2)
    }

    static func compact(_ value: Double) -> String {
        if value >= 1e6 { return String(format: "%.1fM", value / 1e6) }
        if value >= 1e3 { return String(format: "%.1fk", value / 1e3) }
        return String(format: "%.0f", value)
    }

    static func duration(_ seconds: Double) -> String {
        if !seconds.isFinite { return "?" }
        if seconds >= 3600 { return String(format: "%dh%02dm", Int(seconds) / 3600, (Int(seconds) % 3600) / 60) }
        if seconds >= 60 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%.0fs", seconds)
    }
}
