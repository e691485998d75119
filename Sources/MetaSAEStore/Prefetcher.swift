import Foundation

/// Overlaps reading with computing: a dedicated I/O thread reads block
/// i + 1 (and i + 2) while the caller computes on block i. All reads of a
/// stream therefore happen on that one thread, under HDF5's lock; compute
/// stays on the caller's thread. Errors from either side stop both.
public enum Prefetcher {
    /// Reads `count` items with `read` on an I/O thread, at most `depth`
    /// ahead, and hands them to `body` in order on the calling thread.
    public static func run<Item>(
        count: Int, depth: Int = 2,
        read: @escaping @Sendable (Int) throws -> Item,
        _ body: (Item) throws -> Void
    ) throws {
        guard count > 0 else { return }
        let channel = Channel<Item>(capacity: max(1, depth))
        let thread = Thread {
            for index in 0..<count {
                guard channel.waitForSlot() else { return }
                do {
                    channel.deliver(.success(try read(index)))
                } catch {
                    channel.deliver(.failure(error))
                    return
                }
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        defer { channel.cancel() }
        for _ in 0..<count {
            let item = try channel.receive().get()
            try body(item)
        }
    }

    /// A reusable block buffer. A class, so handing it between threads
    /// moves a reference and refilling it never triggers a copy-on-write.
    public final class Buffer: @unchecked Sendable {
        public var values: [Float] = []
        public init() {}
    }

    /// Buffers handed back by the consumer for the I/O thread to refill,
    /// so a stream allocates a few blocks, not one per block.
    public final class BufferPool: @unchecked Sendable {
        private let lock = NSLock()
        private var buffers: [Buffer] = []

        public init() {}

        public func take() -> Buffer {
            lock.lock()
            defer { lock.unlock() }
            return buffers.popLast() ?? Buffer()
        }

        public func give(_ buffer: Buffer) {
            lock.lock()
            buffers.append(buffer)
            lock.unlock()
        }
    }

    /// A bounded hand-off between the I/O thread and the consumer.
    final class Channel<Item>: @unchecked Sendable {
        private let condition = NSCondition()
        private var items: [Result<Item, any Error>] = []
        private var free: Int
        private var cancelled = false

        init(capacity: Int) { free = capacity }

        /// Waits until a slot is free; false once the consumer has gone.
        func waitForSlot() -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while free == 0 && !cancelled { condition.wait() }
            if cancelled { return false }
            free -= 1
            return true
        }

        func deliver(_ item: Result<Item, any Error>) {
            condition.lock()
            items.append(item)
            condition.broadcast()
            condition.unlock()
        }

        func receive() -> Result<Item, any Error> {
            condition.lock()
            defer { condition.unlock() }
            while items.isEmpty { condition.wait() }
            free += 1
            condition.broadcast()
            return items.removeFirst()
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
