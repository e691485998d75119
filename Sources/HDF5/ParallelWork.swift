import Dispatch

/// Items dealt round-robin to worker threads, each worker stopping at its
/// first failure: the one shape both threaded read paths share (raw copies
/// and chunk inflation).
enum ParallelWork {
    /// Runs `body(item, worker)` for items `0..<count` on up to `workers`
    /// threads (the calling thread alone when one suffices) and returns the
    /// failure of the lowest-numbered item that failed, so the message does
    /// not depend on thread timing. `body` must touch only memory its item
    /// or its worker owns.
    static func firstFailure<Failure>(count: Int, workers: Int, _ body: (_ item: Int, _ worker: Int) -> Failure?) -> Failure? {
        let workers = min(max(1, workers), count)
        guard workers > 0 else { return nil }
        return withoutActuallyEscaping(body) { body in
            let job = Job(body: body, count: count, workers: workers)
            if workers == 1 { job.run(worker: 0) } else { DispatchQueue.concurrentPerform(iterations: workers) { job.run(worker: $0) } }
            return job.first
        }
    }

    /// The shared state of one run: one result slot per worker, each
    /// written only by its worker and read after all have finished.
    private final class Job<Failure>: @unchecked Sendable {
        let body: (Int, Int) -> Failure?
        let count: Int
        let workers: Int
        let slots: UnsafeMutablePointer<(item: Int, failure: Failure)?>

        init(body: @escaping (Int, Int) -> Failure?, count: Int, workers: Int) {
            self.body = body
            self.count = count
            self.workers = workers
            slots = .allocate(capacity: workers)
            slots.initialize(repeating: nil, count: workers)
        }

        deinit {
            slots.deinitialize(count: workers)
            slots.deallocate()
        }

        func run(worker: Int) {
            for item in stride(from: worker, to: count, by: workers) {
                if let failure = body(item, worker) {
                    slots[worker] = (item, failure)
                    return
                }
            }
        }

        var first: Failure? {
            (0..<workers).compactMap { slots[$0] }.min { $0.item < $1.item }?.failure
        }
    }
}
