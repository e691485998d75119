import Foundation

/// How many threads the toolkit's own parallel kernels use (OpenBLAS keeps
/// its own setting, `OPENBLAS_NUM_THREADS`). `METASAE_THREADS` overrides the
/// default, one per available core: set it to 1 when several processes
/// share the cores, as MPI ranks on one node do.
public enum ComputeThreads {
    public static var count: Int {
        if let text = ProcessInfo.processInfo.environment["METASAE_THREADS"], let value = Int(text), value > 0 {
            return min(value, 64)
        }
        return max(1, min(ProcessInfo.processInfo.activeProcessorCount, 64))
    }
}
