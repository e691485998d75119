import CDeflate
import CZlib
import Foundation

/// An IDX file (the MNIST format): a big-endian header with a magic number
/// giving the element type and rank, the dimensions, then the data.
/// Gzipped and raw files are both read (see `contents(of:)`).
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
        let contents = try Self.contents(of: path)
        guard contents.count >= 4, contents[0] == 0, contents[1] == 0 else {
            throw Failure.badHeader(path: path, "magic number must start with two zero bytes")
        }
        guard contents[2] == 0x08 else {
            throw Failure.badHeader(path: path, String(format: "element type 0x%02x is not unsigned byte (0x08)", contents[2]))
        }
        guard Int(contents[3]) == expectedRank else {
            throw Failure.badHeader(path: path, "rank \(contents[3]), expected \(expectedRank)")
        }
        let dataStart = 4 + 4 * expectedRank
        guard contents.count >= dataStart else { throw Failure.badHeader(path: path, "header is truncated") }
        var dimensions: [Int] = []
        var total = 1
        for index in 0..<expectedRank {
            let value = contents[(4 + 4 * index)..<(8 + 4 * index)].reduce(0) { ($0 << 8) | Int($1) }
            guard value > 0 else { throw Failure.badHeader(path: path, "dimension \(index) is 0") }
            let (product, overflow) = total.multipliedReportingOverflow(by: value)
            guard !overflow, product <= 1 << 32 else { throw Failure.badHeader(path: path, "dimensions are implausibly large") }
            total = product
            dimensions.append(value)
        }
        guard contents.count - dataStart == total else {
            throw Failure.wrongLength(path: path, expected: total, found: contents.count - dataStart)
        }
        self.dimensions = dimensions
        self.bytes = Array(contents[dataStart...])
    }

    /// The file's bytes, inflated if it is gzipped: one gzip member (what
    /// gzip writes) by libdeflate, two to three times zlib's speed; several
    /// members, or a stream libdeflate refuses, through zlib's `gzread`,
    /// which also says what is wrong with a damaged one.
    static func contents(of path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure.unreadable(path: path, FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        let file = [UInt8](data)
        guard file.count >= 18, file[0] == 0x1f, file[1] == 0x8b else { return file }
        // The trailer's size (modulo 2^32), trusted only up to deflate's greatest ratio.
        let size = file[(file.count - 4)...].reversed().reduce(0) { ($0 << 8) | Int($1) }
        if size <= 1_032 * file.count, let inflated = singleMember(file, size: size) { return inflated }
        return try gzipped(path)
    }

    /// The gzip member `file` holds, if it is one whole member of `size` bytes.
    static func singleMember(_ file: [UInt8], size: Int) -> [UInt8]? {
        guard let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var (consumed, produced) = (0, 0)
        let output = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            let status = file.withUnsafeBytes {
                libdeflate_gzip_decompress_ex(decompressor, $0.baseAddress, $0.count, buffer.baseAddress, size, &consumed, &produced)
            }
            count = status == LIBDEFLATE_SUCCESS ? produced : 0
        }
        return consumed == file.count && produced == size && output.count == size ? output : nil
    }

    /// Every byte zlib's `gzread` gives for `path`.
    static func gzipped(_ path: String) throws -> [UInt8] {
        guard let handle = gzopen(path, "rb") else {
            throw Failure.unreadable(path: path, FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        defer { gzclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { gzread(handle, $0.baseAddress!, UInt32($0.count)) }
            if got < 0 { throw Failure.unreadable(path: path, "corrupt gzip stream") }
            if got == 0 { return bytes }
            bytes += chunk[0..<Int(got)]
        }
    }
}
