extension Array where Element == Float {
    /// `count` values, every one written by `body` before anything reads
    /// them (a BLAS product with beta 0, a kernel that stores each output):
    /// the zeros `init(repeating:count:)` would write first are skipped, a
    /// pass over memory the training step makes many times per batch.
    public static func written(count: Int, by body: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialized = count
        }
    }
}
