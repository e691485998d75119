#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one lock every libhdf5 call runs under.
///
/// It is recursive because a handle's `deinit` (which closes an HDF5 id) can
/// run while the lock is already held by the same thread, for example when a
/// temporary is released inside a locked region. `Synchronization.Mutex` would
/// trap on that re-entry.
final class RecursiveLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always)
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// Process-wide HDF5 lock. libhdf5 keeps global state; even the thread-safe
/// build serialises internally, so one lock costs nothing and keeps our own
/// multi-call sequences (call, then capture the error stack) atomic.
let hdf5Lock = RecursiveLock()
