import LinearAlgebra

/// The classifier's matrix products split by rows of C over the training
/// step's two threads (SideBySide), each half a single-threaded BLAS call
/// (small products one call on the calling thread), whatever the core
/// count, so the classifier trains alike on one core or many: OpenBLAS's
/// own threads round a long sum (the first layer's 784 inputs) differently
/// as their count changes. For the classifier's shapes the halves also
/// equal one single-threaded product bit for bit (tested). It is faster
/// too: OpenBLAS's threads sleep between calls and are woken for each.
enum PairedProducts {
    /// Below this many multiply-adds one call on the calling thread is cheaper.
    static let smallest = 1 << 22

    /// C[m×n] = A · B, as `BLAS.multiply` computes it on one thread, into a
    /// new array (every value written by the product, none zeroed first).
    static func product(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int,
                        transposeA: Bool = false, transposeB: Bool = false) -> [Float] {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                [Float].written(count: m * n) { c in
                    func rows(_ rows: Range<Int>) {
                        BLAS.multiply(a, b, into: c, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB, rows: rows)
                    }
                    BLAS.onCallingThreads {
                        guard m >= 2, m * n * k >= smallest else { return rows(0..<m) }
                        SideBySide.run({ rows(0..<(m / 2)) }, { rows((m / 2)..<m) })
                    }
                }
            }
        }
    }
}
