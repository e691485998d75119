import Foundation
import HDF5
#if canImport(Glibc)
import Glibc
#endif

/// What the crash-isolating check does to a file: open it, walk its
/// metadata and read the first row of every numeric dataset, which touches
/// the chunk index and the filter pipeline. It runs where a crash or a hang
/// of libhdf5 is caught: in the supervised child (`Supervision`) or in a
/// `metasae __probe` process (`IsolatedProbe`).
enum ProbeWalk {
    static func run(_ path: String) throws {
        // Test hooks: simulate libhdf5 crashing or hanging on a file.
        let environment = ProcessInfo.processInfo.environment
        if environment["METASAE_DEBUG_PROBE_CRASH"] == "1" { raise(SIGSEGV) }
        if environment["METASAE_DEBUG_PROBE_HANG"] == "1" { while true { sleep(1) } }
        let handle = try File.open(path, mode: .readOnly)
        let root = try handle.root
        for object in try handle.describeObjects() where object.kind == .dataset && object.problem == nil {
            guard let type = object.datatype, type.isNumeric, let shape = object.shape, let rows = shape.first, rows > 0 else { continue }
            let dataset = try root.dataset(object.path)
            // A missing filter is for the command to report; damage is reported here.
            do {
                _ = try dataset.readRows(0..<1, as: Double.self)
            } catch let error as HDF5Error where error.kind == .corrupt {
                throw error
            } catch {}
        }
    }

    /// Runs `body` with no core dumps, a cap on address space (8 GiB above
    /// what the process already maps) and the crash signals' default
    /// actions, so a runaway parse dies fast and plainly (the Swift
    /// runtime's backtracer would catch the signal and print a stack); the
    /// previous limits and handlers come back afterwards.
    static func confined<T>(_ body: () throws -> T) rethrows -> T {
        let limits = ResourceLimits.tighten()
        let handlers = CrashSignals.setDefault()
        defer {
            CrashSignals.restore(handlers)
            ResourceLimits.restore(limits)
        }
        return try body()
    }
}

/// Soft resource limits, lowered for a walk and raised back after it (a
/// process may raise a soft limit up to its hard one).
enum ResourceLimits {
    static let extraAddressSpace: rlim_t = 8 << 30

    #if canImport(Glibc)
    static let core = Int32(RLIMIT_CORE.rawValue), memory = Int32(RLIMIT_AS.rawValue), cpu = Int32(RLIMIT_CPU.rawValue)
    #else
    static let core = RLIMIT_CORE, memory = RLIMIT_AS, cpu = RLIMIT_CPU
    #endif

    static func tighten() -> (core: rlimit, memory: rlimit) {
        var saved = (core: rlimit(), memory: rlimit())
        getrlimit(core, &saved.core)
        getrlimit(memory, &saved.memory)
        var none = rlimit(rlim_cur: 0, rlim_max: saved.core.rlim_max)
        setrlimit(core, &none)
        // AddressSanitizer reserves terabytes for its shadow: under it (the
        // CI's sanitizer build) no cap on address space is set.
        if dlsym(defaultSymbolScope, "__asan_init") == nil {
            let cap = min(mappedBytes() + extraAddressSpace, saved.memory.rlim_max)
            var bytes = rlimit(rlim_cur: cap, rlim_max: saved.memory.rlim_max)
            setrlimit(memory, &bytes)
        }
        return saved
    }

    static func restore(_ saved: (core: rlimit, memory: rlimit)) {
        var (core, memory) = saved
        setrlimit(Self.core, &core)
        setrlimit(Self.memory, &memory)
    }

    /// The process's address space now (the first field of /proc/self/statm, in pages).
    static func mappedBytes() -> rlim_t {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").first.flatMap({ rlim_t($0) }) else { return 0 }
        return pages * rlim_t(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// RTLD_DEFAULT: every loaded image.
    static var defaultSymbolScope: UnsafeMutableRawPointer? {
        #if os(Linux)
        return nil
        #else
        return UnsafeMutableRawPointer(bitPattern: -2)
        #endif
    }
}

/// The signals a crash raises, set to their default action for a walk.
enum CrashSignals {
    static let all: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS]

    static func setDefault() -> [sigaction] {
        all.map { signal in
            var plain = sigaction()
            plain.__sigaction_handler.sa_handler = SIG_DFL
            var previous = sigaction()
            sigaction(signal, &plain, &previous)
            return previous
        }
    }

    static func restore(_ handlers: [sigaction]) {
        for (signal, handler) in zip(all, handlers) {
            var handler = handler
            sigaction(signal, &handler, nil)
        }
    }
}
