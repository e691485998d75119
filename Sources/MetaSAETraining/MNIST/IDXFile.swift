import CZlib
import Foundation

/// An IDX file (the MNIST format): a big-endian header with a magic number
/// giving the element type and rank, the dimensions, then the data.
/// Gzipped and raw files are both read through zlib's `gzread`.
public struct IDXFile: Sendable {
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case unreadable(path: String, String)
        case badHeader(path: String, String)
        case wrongLength(path: String, expected: Int, found: Int)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
            case .badHeader(let path, let reason): return "\(path): not a valid IDX file: \(reason)"
            case .wrongLength(let path, let expected, let found):
                return "\(path): IDX data has \(found) bytes, the header promises \(expected)"
            }
        }
    }

    public let dimensions: [Int]
    /// The elements, row-major (only unsigned bytes, type 0x08, are used by MNIST).
    public let bytes: [UInt8]

    /// Reads and checks a whole IDX file of unsigned bytes of the given rank.
    public init(path: String, expectedRank: Int) throws {
        guard let handle = gzopen(path, "rb") else {
            throw Failure.unreadable(path: path, FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        defer { gzclose(handle) }
        func read(_ count: Int) throws -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: count)
            var filled = 0
            while filled < count {
                let got = buffer.withUnsafeMutableBytes { raw in
                    gzread(handle, raw.baseAddress! + filled, UInt32(min(count - filled, 1 << 30)))
                }
                if got < 0 { throw Failure.unreadable(path: path, "corrupt gzip stream") }
                if got == 0 { break }
                filled += Int(got)
            }
            return Array(buffer[0..<filled])
        }
        let magic = try read(4)
        guard magic.count == 4, magic[0] == 0, magic[1] == 0 else {
            throw Failure.badHeader(path: path, "magic number must start with two zero bytes")
        }
        guard magic[2] == 0x08 else {
            throw Failure.badHeader(path: path, String(format: "element type 0x%02x is not unsigned byte (0x08)", magic[2]))
        }
        guard Int(magic[3]) == expectedRank else {
            throw Failure.badHeader(path: path, "rank \(magic[3]), expected \(expectedRank)")
        }
        let header = try read(4 * expectedRank)
        guard header.count == 4 * expectedRank else { throw Failure.badHeader(path: path, "header is truncated") }
        var dimensions: [Int] = []
        var total = 1
        for index in 0..<expectedRank {
            let value = header[(4 * index)..<(4 * index + 4)].reduce(0) { ($0 << 8) | Int($1) }
            guard value > 0 else { throw Failure.badHeader(path: path, "dimension \(index) is 0") }
            let (product, overflow) = total.multipliedReportingOverflow(by: value)
            guard !overflow, product <= 1 << 32 else { throw Failure.badHeader(path: path, "dimensions are implausibly large") }
            total = product
            dimensions.append(value)
        }
        let data = try read(total)
        guard data.count == total else { throw Failure.wrongLength(path: path, expected: total, found: data.count) }
        let extra = try read(1)
        guard extra.isEmpty else { throw Failure.wrongLength(path: path, expected: total, found: total + 1) }
        self.dimensions = dimensions
        self.bytes = data
    }
}
