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

extension Array where Element == Float {
    /// Makes this `count` values long for a caller that writes every one of
    /// them next: a longer array keeps its storage (and values) up to
    /// `count`, a shorter one is replaced by uninitialized storage. Lets a
    /// dead buffer of the right size be written over instead of a fresh one
    /// being faulted in.
    public mutating func resize(forOverwriting count: Int) {
        if self.count > count { removeLast(self.count - count) }
        if self.count < count { self = [Float](unsafeUninitializedCapacity: count) { $1 = count } }
    }
}
