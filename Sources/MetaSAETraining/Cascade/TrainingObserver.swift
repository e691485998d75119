/// Receives training progress and log lines; the CLI draws them.
public protocol TrainingObserver: Sendable {
    /// `done` of `total` batches of `stage`; `loss` is the running mean.
    func progress(stage: String, done: Int, total: Int, loss: Float)
    /// A finished step worth one line (accuracy, per-depth fit).
    func log(_ line: String)
}

public struct SilentTraining: TrainingObserver {
    public init() {}
    public func progress(stage: String, done: Int, total: Int, loss: Float) {}
    public func log(_ line: String) {}
}
