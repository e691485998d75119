import ArgumentParser
import Foundation
import HDF5
#if canImport(Glibc)
import Glibc
#endif

/// The child side of `IsolatedProbe`: open, walk, read a row of each
/// dataset, exit. Hidden from help; not meant to be typed.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "__probe", shouldDisplay: false)

    @Argument var file: String

    func run() throws {
        Self.limitResources()
        let environment = ProcessInfo.processInfo.environment
        // Test hooks: simulate libhdf5 crashing or hanging on a file.
        if environment["METASAE_DEBUG_PROBE_CRASH"] == "1" { raise(SIGSEGV) }
        if environment["METASAE_DEBUG_PROBE_HANG"] == "1" { while true { sleep(1) } }
        try reportingFailures {
            let handle = try File.open(file, mode: .readOnly)
            let root = try handle.root
            for object in try handle.describeObjects() where object.kind == .dataset && object.problem == nil {
                guard let type = object.datatype, type.isNumeric, let shape = object.shape, let rows = shape.first, rows > 0 else { continue }
                let dataset = try root.dataset(object.path)
                // One row touches the chunk index and the filter pipeline. A
                // missing filter is for the command to report; damage is reported here.
                do {
                    _ = try dataset.readRows(0..<1, as: Double.self)
                } catch let error as HDF5Error where error.kind == .corrupt {
                    throw error
                } catch {}
            }
        }
    }

    /// RTLD_DEFAULT: every loaded image.
    static var defaultSymbolScope: UnsafeMutableRawPointer? {
        #if os(Linux)
        return nil
        #else
        return UnsafeMutableRawPointer(bitPattern: -2)
        #endif
    }

    /// No core dumps, bounded memory and CPU: a runaway parse must die fast.
    static func limitResources() {
        #if canImport(Glibc)
        let (core, memory, cpu) = (Int32(RLIMIT_CORE.rawValue), Int32(RLIMIT_AS.rawValue), Int32(RLIMIT_CPU.rawValue))
        #else
        let (core, memory, cpu) = (RLIMIT_CORE, RLIMIT_AS, RLIMIT_CPU)
        #endif
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(core, &none)
        // AddressSanitizer reserves terabytes of address space for its shadow:
        // under it (the CI's sanitizer build) the address-space cap would stop the child starting.
        if dlsym(Self.defaultSymbolScope, "__asan_init") == nil {
            var bytes = rlimit(rlim_cur: 8 << 30, rlim_max: 8 << 30)
            setrlimit(memory, &bytes)
        }
        let seconds = rlim_t(IsolatedProbe.timeout.rounded(.up) + 5)
        var limit = rlimit(rlim_cur: seconds, rlim_max: seconds)
        setrlimit(cpu, &limit)
    }
}
