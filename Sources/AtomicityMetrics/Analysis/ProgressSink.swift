/// Receives progress of long passes; the CLI draws it, tests ignore it.
public protocol ProgressSink: Sendable {
    /// `done` of `total` rows of `stage` (e.g. "depth 3") are processed.
    func update(stage: String, done: Int, total: Int)
    /// `stage` is complete.
    func finish(stage: String)
}

/// Discards progress.
public struct SilentProgress: ProgressSink {
    public init() {}
    public func update(stage: String, done: Int, total: Int) {}
    public func finish(stage: String) {}
}
