import Foundation

/// Hooks for tests that must catch a writer mid-write. Hidden: set only by
/// the test suite, never documented as a feature.
package enum DebugHooks {
    /// `METASAE_DEBUG_BLOCK_DELAY_MS`: sleep this long after each written
    /// block, so a test can kill the process while the temporary file grows.
    static let blockDelay: useconds_t = {
        guard let text = ProcessInfo.processInfo.environment["METASAE_DEBUG_BLOCK_DELAY_MS"], let milliseconds = UInt32(text) else { return 0 }
        return milliseconds * 1_000
    }()

    /// Rows per written block: small under the debug delay, so even tiny
    /// test runs write several blocks.
    package static func writeBlockRows(default rows: Int) -> Int {
        blockDelay > 0 ? 16 : rows
    }

    /// Under the debug delay, a finished temporary waits before its rename,
    /// so tests can catch even small outputs mid-write.
    /// Bytes per streamed block: small under the debug delay, so even
    /// tiny test inputs take several blocks.
    package static func blockBytes(default bytes: Int) -> Int {
        blockDelay > 0 ? 64 << 10 : bytes
    }

    package static func beforeCommit() {
        if blockDelay > 0 { usleep(blockDelay * 10) }
    }

    package static func afterBlock() {
        if blockDelay > 0 { usleep(blockDelay) }
    }
}
