import Dispatch

/// Two pieces of work on two threads at once, returning when both are done.
/// Each must touch only memory the other does not.
enum Concurrently {
    static func run(_ first: () -> Void, _ second: () -> Void) {
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                let pair = Pair(work: [first, second])
                DispatchQueue.concurrentPerform(iterations: 2) { pair.work[$0]() }
            }
        }
    }

    /// The closures, shared with the worker threads for the call's duration.
    private final class Pair: @unchecked Sendable {
        let work: [() -> Void]
        init(work: [() -> Void]) { self.work = work }
    }
}
