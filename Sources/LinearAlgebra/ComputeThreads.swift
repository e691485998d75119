import Foundation

/// How many threads the toolkit's own parallel kernels use (OpenBLAS keeps
/// its own setting, `OPENBLAS_NUM_THREADS`). `METASAE_THREADS` overrides the
/// default, one per available core: set it to 1 when several processes
/// share the cores, as MPI ranks on one node do.
public enum ComputeThreads {
    public static var count: Int {
        if let text = ProcessInfo.processInfo.environment["METASAE_THREADS"], let value = requested(text) { return value }
        return max(1, min(ProcessInfo.processInfo.activeProcessorCount, 64))
    }

    /// The count `METASAE_THREADS=text` asks for (at most 64), or nil
    /// when it is not a whole number from 1 (the commands refuse it).
    public static func requested(_ text: String) -> Int? {
        Int(text).flatMap { $0 > 0 ? min($0, 64) : nil }
    }
}
