import Foundation

/// A regular file mapped read-only: bytes on demand, never copied whole.
/// Refuses pipes and devices (which have no size) before mapping.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let count: Int
    private let base: UnsafeRawPointer?

    public init(path: String) throws(ArrayFileError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw ArrayFileError(.notFound, path, errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ArrayFileError(.notFound, path, String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw ArrayFileError(.notFound, path, "not a regular file") }
        count = Int(info.st_size)
        guard count > 0 else {
            base = nil
            return
        }
        guard let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw ArrayFileError(.notFound, path, "cannot map: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The bytes in `range`, which the caller has checked lies in the file.
    public func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range outside the file")
        guard let base, !range.isEmpty else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// A little-endian unsigned integer of `width` bytes at `offset`, or nil past the end.
    public func littleEndian(at offset: Int, width: Int) -> UInt64? {
        guard offset >= 0, width <= 8, offset <= count - width else { return nil }
        return bytes(offset..<(offset + width)).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
