import AtomicityMetrics
import CFloatEnvironment

/// Two pieces of a training step run on two threads, each under the
/// caller's floating-point control word (training flushes denormals, and the
/// word is per thread), so no result depends on which thread ran a piece.
enum SideBySide {
    static func run(_ first: () -> Void, _ second: () -> Void) {
        let environment = metasae_float_environment()
        func underCallersEnvironment(_ body: () -> Void) {
            let previous = metasae_float_environment()
            metasae_restore_float_environment(environment)
            body()
            metasae_restore_float_environment(previous)
        }
        Concurrently.run({ underCallersEnvironment(first) }, { underCallersEnvironment(second) })
    }
}
