import CBLAS

/// Row-major BLAS calls with the shapes spelled out, so call sites read as
/// the algebra they implement.
public enum BLAS {
    /// Stops OpenBLAS's idle worker threads, which otherwise spin for about
    /// 0.1 s after the library loads and after each threaded call, taking a
    /// core from the reader and sparse-kernel threads. The next threaded
    /// call restarts them. Call at startup and between BLAS-free phases.
    public static func releaseIdleThreads() { metasae_blas_release_idle_threads() }

    /// C[m×n] = alpha · A[m×k] · B[k×n] + beta · C (Float32).
    /// With `transposeA`, `a` is stored [k×m] and Aᵀ is used; with
    /// `transposeB`, `b` is stored [n×k] and Bᵀ is used.
    public static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, k: Int, n: Int, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
                    beta, c, Int32(n))
    }

    /// C[m×n] = A[m×k] · B[k×n] (Float64).
    public static func multiply(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>,
        m: Int, k: Int, n: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }

    /// The upper triangle of C[n×n] = Xᵀ·X for X[rows×n] (Float32).
    public static func gram(_ x: UnsafePointer<Float>, rows: Int, columns n: Int, into c: UnsafeMutablePointer<Float>) {
        guard n > 0 else { return }
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(rows), 1, x, Int32(n), 0, c, Int32(n))
    }
}
