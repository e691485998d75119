#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MetaSAEStore

/// Output helpers: results to stdout, messages and progress to stderr.
/// They write with POSIX `write` so no shared C `FILE*` is touched.
enum Terminal {
    static func error(_ message: String) {
        put(message + "\n", to: 2)
    }

    /// True when stderr is a terminal, so progress lines make sense.
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    static func put(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { writeWhole(descriptor, $0) }
    }
}
