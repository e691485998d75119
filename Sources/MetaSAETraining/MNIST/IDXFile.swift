import CDeflate
import CZlib
import Foundation

/// An IDX file (the MNIST format): a big-endian header with a magic number
/// giving the element type and rank, the dimensions, then the data.
/// Gzipped and raw files are both read (see `singleMember`).
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
    /// The header is read and checked first, so no read goes past what it
    /// promises (plus one byte, to notice trailing data).
    public init(path: String, expectedRank: Int) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure.unreadable(path: path, "is a folder")
        }
        guard let handle = gzopen(path, "rb") else {
            throw Failure.unreadable(path: path, FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        defer { gzclose(handle) }
        let magic = try Self.read(handle, count: 4, path: path)
        guard magic.count == 4, magic[0] == 0, magic[1] == 0 else {
            throw Failure.badHeader(path: path, "magic number must start with two zero bytes")
        }
        guard magic[2] == 0x08 else {
            throw Failure.badHeader(path: path, String(format: "element type 0x%02x is not unsigned byte (0x08)", magic[2]))
        }
        guard Int(magic[3]) == expectedRank else {
            throw Failure.badHeader(path: path, "rank \(magic[3]), expected \(expectedRank)")
        }
        let header = try Self.read(handle, count: 4 * expectedRank, path: path)
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
        let dataStart = 4 + 4 * expectedRank
        let data: [UInt8]
        if let whole = Self.singleMember(path, size: dataStart + total) {
            data = Array(whole[dataStart...])
        } else {
            let rest = try Self.read(handle, count: total + 1, path: path)
            guard rest.count == total else { throw Failure.wrongLength(path: path, expected: total, found: rest.count) }
            data = rest
        }
        self.dimensions = dimensions
        self.bytes = data
    }

    /// Up to `count` bytes from zlib's `gzread` (raw files read as they are).
    static func read(_ handle: gzFile, count: Int, path: String) throws -> [UInt8] {
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
        buffer.removeLast(count - filled)
        return buffer
    }

    /// The whole of `path` inflated by libdeflate (two to three times
    /// zlib's speed) when it is one gzip member (what gzip writes) of
    /// exactly `size` bytes, as its trailer must then say; nil otherwise
    /// (several members, another size, damage, a raw file), and zlib's
    /// `gzread` reads it instead, which also names what is wrong.
    static func singleMember(_ path: String, size: Int) -> [UInt8]? {
        // The magic and the trailer first, so a raw or mislabelled file is never read whole here.
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let length = try? handle.seekToEnd(), length >= 18, (try? handle.seek(toOffset: 0)) != nil,
              let start = try? handle.read(upToCount: 2), start == Data([0x1f, 0x8b]),
              (try? handle.seek(toOffset: length - 4)) != nil, let trailer = try? handle.read(upToCount: 4), trailer.count == 4,
              trailer.reversed().reduce(0, { ($0 << 8) | Int($1) }) == size & 0xffff_ffff,
              (try? handle.seek(toOffset: 0)) != nil, let contents = try? handle.readToEnd(), contents.count == Int(length),
              let decompressor = libdeflate_alloc_decompressor() else { return nil }
        let file = [UInt8](contents)
        defer { libdeflate_free_decompressor(decompressor) }
        var (consumed, produced) = (0, 0)
        let output = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            let status = file.withUnsafeBytes {
                libdeflate_gzip_decompress_ex(decompressor, $0.baseAddress, $0.count, buffer.baseAddress, size, &consumed, &produced)
            }
            count = status == LIBDEFLATE_SUCCESS ? produced : 0
        }
        return consumed == file.count && output.count == size ? output : nil
    }
}
