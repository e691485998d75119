import Foundation

/// A NumPy .npy file (format versions 1–3), checked before it is read: the
/// magic, a header dict with `descr`, `fortran_order` and `shape`, and data
/// exactly as long as the shape and dtype say. C order only; plain numeric
/// dtypes only (no structured or object arrays, which need pickle).
public struct NPYFile: Sendable {
    public let path: String
    public let dtype: ElementType
    public let shape: [Int]
    /// Absolute byte range of the data.
    public let data: Range<Int>
    private let file: MappedFile

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    public init(path: String) throws(ArrayFileError) {
        self.path = path
        file = try MappedFile(path: path)
        guard file.count >= 10, Array(file.bytes(0..<6)) == Self.magic else {
            throw ArrayFileError(.notThisFormat, path, "not a NumPy .npy file (no \\x93NUMPY magic)")
        }
        let major = file.bytes(6..<7)[0]
        let lengthWidth = major == 1 ? 2 : 4
        guard (1...3).contains(major), let length = file.littleEndian(at: 8, width: lengthWidth),
              length <= UInt64(file.count - 8 - lengthWidth) else {
            throw ArrayFileError(.corrupt, path, "a .npy header of version \(major) that does not fit the file")
        }
        let start = 8 + lengthWidth
        let header = String(decoding: file.bytes(start..<(start + Int(length))), as: UTF8.self)
        let fields = try Self.parse(header, path: path)
        guard let descr = fields.descr, let order = fields.fortranOrder, let shape = fields.shape else {
            throw ArrayFileError(.corrupt, path, "the .npy header lacks descr, fortran_order or shape")
        }
        guard let dtype = Self.dtype(descr) else {
            throw ArrayFileError(.unsupported, path, "dtype '\(descr)' is not a plain number type this tool reads")
        }
        guard !order else {
            throw ArrayFileError(.unsupported, path, "the array is in Fortran order; save it with np.save(path, np.ascontiguousarray(a))")
        }
        let dataStart = start + Int(length)
        guard let size = dtype.bytes(for: shape), size == file.count - dataStart else {
            throw ArrayFileError(.corrupt, path, "shape \(shape) of \(descr) needs \(dtype.bytes(for: shape).map(String.init) ?? "too many") bytes, the file holds \(file.count - dataStart)")
        }
        self.dtype = dtype
        self.shape = shape
        data = dataStart..<file.count
    }

    /// Rows `rows` of a 1- or 2-D floating-point array, as Float.
    public func floats(rows: Range<Int>) -> [Float] {
        dtype.floats(file.bytes(byteRange(rows)))
    }

    /// Rows `rows` of an integer array, as Int64 (nil if a value does not fit).
    public func integers(rows: Range<Int>) -> [Int64]? {
        dtype.integers(file.bytes(byteRange(rows)))
    }

    public var rowCount: Int { shape.first ?? 1 }
    public var rowWidth: Int { shape.dropFirst().reduce(1, *) }

    func byteRange(_ rows: Range<Int>) -> Range<Int> {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= rowCount)
        let row = rowWidth * dtype.size
        return (data.lowerBound + rows.lowerBound * row)..<(data.lowerBound + rows.upperBound * row)
    }

    struct Fields {
        var descr: String?
        var fortranOrder: Bool?
        var shape: [Int]?
    }

    /// The header is a Python dict literal; only its three keys matter.
    static func parse(_ header: String, path: String) throws(ArrayFileError) -> Fields {
        var fields = Fields()
        func value(after key: String) -> Substring? {
            for quote in ["'", "\""] {
                if let range = header.range(of: "\(quote)\(key)\(quote)") {
                    let rest = header[range.upperBound...].drop { $0 == " " }
                    guard rest.first == ":" else { return nil }
                    return rest.dropFirst().drop { $0 == " " }
                }
            }
            return nil
        }
        if let rest = value(after: "descr"), let quote = rest.first, quote == "'" || quote == "\"" {
            fields.descr = String(rest.dropFirst().prefix { $0 != quote })
        }
        if let rest = value(after: "fortran_order") {
            fields.fortranOrder = rest.hasPrefix("True") ? true : (rest.hasPrefix("False") ? false : nil)
        }
        if let rest = value(after: "shape"), rest.first == "(" {
            let inner = rest.dropFirst().prefix { $0 != ")" }
            var dimensions: [Int] = []
            for part in inner.split(separator: ",") {
                let text = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
                if text.isEmpty { continue }
                guard let dimension = Int(text), dimension >= 0 else {
                    throw ArrayFileError(.corrupt, path, "shape entry '\(part)' is not a size")
                }
                dimensions.append(dimension)
            }
            fields.shape = dimensions
        }
        return fields
    }

    /// '<f4', '>f8', '|u1', '<i8', '|b1', … (and '=' for native, little-endian here).
    static func dtype(_ descr: String) -> ElementType? {
        guard descr.count >= 3, let order = descr.first, "<>|=".contains(order),
              let size = Int(descr.dropFirst(2)) else { return nil }
        let big = order == ">"
        let code = descr.dropFirst().first!
        let type: ElementType
        switch (code, size) {
        case ("f", 2), ("f", 4), ("f", 8): type = ElementType(kind: .float, size: size, bigEndian: big, spelling: descr)
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): type = ElementType(kind: .signed, size: size, bigEndian: big, spelling: descr)
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): type = ElementType(kind: .unsigned, size: size, bigEndian: big, spelling: descr)
        case ("b", 1): type = ElementType(kind: .bool, size: 1, spelling: descr)
        default: return nil
        }
        return type
    }
}
