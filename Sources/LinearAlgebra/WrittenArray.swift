extension Array where Element == Float {
    /// `count` values, every one written by `body` before anything reads
    /// them (a BLAS product with beta 0, a kernel that stores each output):
    /// the zeros `init(repeating:count:)` would write first are skipped, a
    /// pass over memory the training step makes many times per batch.
    /// `storage`, when given, is a dead buffer written over instead of fresh
    /// memory being faulted in (kept if at least `count` long and not shared,
    /// as any array; its values are never read).
    public static func written(count: Int, reusing storage: consuming [Float] = [],
                               by body: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
        var output = consume storage
        if output.count > count { output.removeLast(output.count - count) }
        if output.count < count { output = [Float](unsafeUninitializedCapacity: count) { $1 = count } }
        output.withUnsafeMutableBufferPointer { body($0) }
        return output
    }
}
