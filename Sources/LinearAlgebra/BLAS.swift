import CBLAS
import Foundation

/// Row-major BLAS calls with the shapes spelled out, so call sites read as
/// the algebra they implement. Every call checks that its buffers hold
/// what m, k and n say and that each dimension fits BLAS's Int32: with the
/// experiment checked upstream these never fire on user data, they guard
/// against our own mistakes, which would otherwise read or write out of bounds.
public enum BLAS {
    /// Stops OpenBLAS's idle worker threads and has them, from the next
    /// threaded call on, spin 2⁴ cycles instead of ~0.1 s before they sleep
    /// (unless the user set `OPENBLAS_THREAD_TIMEOUT`). A spinning worker
    /// takes the core the reader, sparse-kernel and diagnostics threads
    /// want: a streaming pass calls BLAS once per block, and OpenBLAS's own
    /// wait kept a worker spinning through most of it. Wall times of
    /// training and analyses stay within the machine's noise while a core's
    /// worth of system time goes (BENCHMARKS.md, "OpenBLAS's idle wait").
    /// Call at startup, before other threads run: it may set a variable.
    public static func releaseIdleThreads() { metasae_blas_release_idle_threads("4") }

    /// OpenBLAS's kernels for this CPU, then its idle workers released
    /// (`releaseIdleThreads`). OpenBLAS falls back to SSE3 ("Prescott")
    /// kernels on a CPU model it does not know; unless the user set
    /// `OPENBLAS_CORETYPE`, this then chooses the AVX-512 ("SkylakeX") or
    /// AVX2 ("Haswell") kernels the CPU runs (BENCHMARKS.md, "OpenBLAS's
    /// kernels"). Call at startup, before any BLAS call or other thread.
    public static func prepare() {
        _ = metasae_blas_choose_core()
        releaseIdleThreads()
    }

    /// Runs `body` with every BLAS call on its calling thread: threads that
    /// each call BLAS at once, on their own share of the work, would
    /// otherwise all hand their calls to OpenBLAS's one pool of workers.
    /// The thread count is the process's, so callers on different threads
    /// take turns (a second caller would otherwise restore the count while
    /// the first still relies on it); a nested call on the same thread runs
    /// at once. `body` must not wait for another thread that calls this.
    public static func onCallingThreads<Result>(_ body: () throws -> Result) rethrows -> Result {
        callingThreadsTurn.lock()
        defer { callingThreadsTurn.unlock() }
        let threads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(threads) }
        return try body()
    }

    private static let callingThreadsTurn = NSRecursiveLock()

    /// The kernels OpenBLAS runs ("SkylakeX", "Haswell", ...), nil for another BLAS.
    public static var coreName: String? { metasae_blas_core_name().map { String(cString: $0) } }

    /// C[m×n] = alpha · A[m×k] · B[k×n] + beta · C (Float32), or only
    /// C's rows `rows` (the rest untouched). With `transposeA`, `a` is
    /// stored [k×m] and Aᵀ is used; with `transposeB`, `b` is stored [n×k]
    /// and Bᵀ is used.
    public static func multiply(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, into c: UnsafeMutableBufferPointer<Float>,
        m: Int, k: Int, n: Int, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0, rows: Range<Int>? = nil
    ) {
        let rows = rows ?? 0..<m
        precondition(rows.lowerBound >= 0 && rows.upperBound <= m, "rows \(rows) lie outside C's \(m)")
        guard !rows.isEmpty, n > 0 else { return }
        let (m32, k32, n32, count32) = (int32(m), int32(k), int32(n), int32(rows.count))
        require(a, holds: m, k, "A")
        require(b, holds: k, n, "B")
        require(UnsafeBufferPointer(c), holds: m, n, "C")
        let target = c.baseAddress! + rows.lowerBound * n
        guard k > 0 else {
            // Empty sums: beta · C (and A may have no storage at all).
            for index in 0..<(rows.count * n) { target[index] = beta == 0 ? 0 : beta * target[index] }
            return
        }
        // Aᵀ stored [k×m]: its rows `rows` are columns of the stored matrix, a stride m apart.
        let first = a.baseAddress! + (transposeA ? rows.lowerBound : rows.lowerBound * k)
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    count32, n32, k32, alpha, first, transposeA ? m32 : k32, b.baseAddress, transposeB ? k32 : n32,
                    beta, target, n32)
    }

    /// A · B (either stored transposed, as `multiply`) into a new [m × n]
    /// array that the product writes whole.
    public static func product(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int,
                               transposeA: Bool = false, transposeB: Bool = false) -> [Float] {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                [Float].written(count: m * n) { multiply(a, b, into: $0, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB) }
            }
        }
    }

    public static func multiply(
        _ a: [Float], _ b: [Float], into c: inout [Float],
        m: Int, k: Int, n: Int, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0
    ) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    multiply(a, b, into: c, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB, alpha: alpha, beta: beta)
                }
            }
        }
    }

    /// C[m×n] = A[m×k] · B[k×n] (Float64).
    public static func multiply(_ a: [Double], _ b: [Double], into c: inout [Double], m: Int, k: Int, n: Int) {
        guard m > 0, n > 0 else { return }
        let (m32, k32, n32) = (int32(m), int32(k), int32(n))
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    require(a, holds: m, k, "A")
                    require(b, holds: k, n, "B")
                    require(UnsafeBufferPointer(c), holds: m, n, "C")
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m32, n32, k32, 1, a.baseAddress, k32,
                                b.baseAddress, n32, 0, c.baseAddress, n32)
                }
            }
        }
    }

    /// The upper triangle of C[n×n] = Xᵀ·X for X[rows×n] (Float32).
    public static func gram(_ x: UnsafeBufferPointer<Float>, rows: Int, columns n: Int, into c: UnsafeMutableBufferPointer<Float>) {
        guard n > 0 else { return }
        let (rows32, n32) = (int32(rows), int32(n))
        require(x, holds: rows, n, "X")
        require(UnsafeBufferPointer(c), holds: n, n, "C")
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, n32, rows32, 1, x.baseAddress, n32, 0, c.baseAddress, n32)
    }

    /// A dimension as BLAS's Int32, trapping (a bug of ours) when it does not fit.
    static func int32(_ value: Int) -> Int32 {
        guard let narrow = Int32(exactly: value), narrow >= 0 else {
            preconditionFailure("BLAS dimension \(value) does not fit Int32")
        }
        return narrow
    }

    /// A buffer must hold rows × columns elements (whichever way it is transposed).
    static func require<T>(_ buffer: UnsafeBufferPointer<T>, holds rows: Int, _ columns: Int, _ name: String) {
        let (needed, overflow) = rows.multipliedReportingOverflow(by: columns)
        precondition(!overflow && buffer.count >= needed && (needed == 0 || buffer.baseAddress != nil),
                     "BLAS \(name) holds \(buffer.count) values, the call needs \(rows) × \(columns)")
    }
}
