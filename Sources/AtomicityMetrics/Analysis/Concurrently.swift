import Dispatch

/// Three pieces of work on three threads at once, returning when all are
/// done. Each must touch only memory the others do not.
enum Concurrently {
    static func run(_ first: () -> Void, _ second: () -> Void, _ third: () -> Void) {
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                withoutActuallyEscaping(third) { third in
                    let shared = Shared(work: [first, second, third])
                    DispatchQueue.concurrentPerform(iterations: 3) { shared.work[$0]() }
                }
            }
        }
    }

    /// The closures, shared with the worker threads for the call's duration.
    private final class Shared: @unchecked Sendable {
        let work: [() -> Void]
        init(work: [() -> Void]) { self.work = work }
    }
}
