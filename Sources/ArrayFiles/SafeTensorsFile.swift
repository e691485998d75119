import Foundation

/// A safetensors file (huggingface/safetensors), checked as its reference
/// reader checks it: an 8-byte little-endian header length N ≤ 100 MB, N
/// bytes of JSON mapping names to {dtype, shape, data_offsets} (and an
/// optional `__metadata__` of strings), then the data. Sorted by offset,
/// the tensors must tile the data exactly (from 0, no holes, no overlap,
/// nothing after the last), each as long as its shape and dtype say.
public struct SafeTensorsFile: Sendable {
    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var dtype: ElementType
        public var shape: [Int]
        /// Absolute byte range in the file.
        public var bytes: Range<Int>
    }

    public static let maximumHeaderBytes = 100_000_000

    public let path: String
    /// By name, and in file order.
    public let tensors: [String: Tensor]
    public let order: [String]
    public let metadata: [String: String]
    private let file: MappedFile

    public init(path: String) throws(ArrayFileError) {
        self.path = path
        file = try MappedFile(path: path)
        guard let declared = file.littleEndian(at: 0, width: 8) else {
            throw ArrayFileError(.notThisFormat, path, "not a safetensors file: \(file.count) bytes, shorter than its 8-byte header length")
        }
        guard declared <= UInt64(Self.maximumHeaderBytes) else {
            throw ArrayFileError(.notThisFormat, path, "not a safetensors file: it declares a \(declared)-byte header (at most \(Self.maximumHeaderBytes))")
        }
        let headerBytes = Int(declared)
        guard headerBytes <= file.count - 8 else {
            throw ArrayFileError(.corrupt, path, "its header claims \(headerBytes) bytes but the file has \(file.count - 8) after the length")
        }
        let header = Data(file.bytes(8..<(8 + headerBytes)))
        guard header.first == UInt8(ascii: "{") else {
            throw ArrayFileError(.notThisFormat, path, "not a safetensors file: the header does not start with '{'")
        }
        let entries: [String: Entry]
        do {
            entries = try JSONDecoder().decode([String: Entry].self, from: header)
        } catch {
            throw ArrayFileError(.corrupt, path, "the header is not valid safetensors JSON (\(Self.reason(error)))")
        }
        var metadata: [String: String] = [:]
        var found: [Tensor] = []
        let dataStart = 8 + headerBytes
        for (name, entry) in entries {
            switch entry {
            case .metadata(let values) where name == "__metadata__":
                metadata = values
            case .metadata:
                throw ArrayFileError(.corrupt, path, "header entry '\(name)' is not a tensor")
            case .tensor(let info):
                if name == "__metadata__" { throw ArrayFileError(.corrupt, path, "__metadata__ must map names to strings") }
                found.append(try Self.tensor(name, info, dataStart: dataStart, path: path))
            }
        }
        found.sort { ($0.bytes.lowerBound, $0.bytes.upperBound) < ($1.bytes.lowerBound, $1.bytes.upperBound) }
        var next = dataStart
        for tensor in found {
            guard tensor.bytes.lowerBound == next else {
                let problem = tensor.bytes.lowerBound < next ? "overlaps the tensor before it" : "leaves a hole before it"
                throw ArrayFileError(.corrupt, path, "tensor '\(tensor.name)' \(problem) (data_offsets begin at \(tensor.bytes.lowerBound - dataStart), expected \(next - dataStart))")
            }
            next = tensor.bytes.upperBound
        }
        guard next == file.count else {
            throw ArrayFileError(.corrupt, path, next > file.count
                ? "the tensors need \(next - dataStart) data bytes but the file has \(file.count - dataStart) (truncated?)"
                : "\(file.count - next) bytes after the last tensor are not covered by the header")
        }
        self.metadata = metadata
        tensors = Dictionary(uniqueKeysWithValues: found.map { ($0.name, $0) })
        order = found.map(\.name)
    }

    /// One entry's checks: a known dtype, a shape of non-negative sizes, and
    /// offsets whose length is exactly the shape's bytes.
    static func tensor(_ name: String, _ info: Entry.Info, dataStart: Int, path: String) throws(ArrayFileError) -> Tensor {
        guard let dtype = Self.dtype(info.dtype) else {
            throw ArrayFileError(.unsupported, path, "tensor '\(name)' has dtype \(info.dtype), which this tool does not read")
        }
        guard let size = dtype.bytes(for: info.shape) else {
            throw ArrayFileError(.corrupt, path, "tensor '\(name)' has an impossible shape \(info.shape)")
        }
        guard info.data_offsets.count == 2, info.data_offsets[0] >= 0, info.data_offsets[0] <= info.data_offsets[1],
              info.data_offsets[1] <= Int.max - dataStart else {
            throw ArrayFileError(.corrupt, path, "tensor '\(name)' has bad data_offsets \(info.data_offsets)")
        }
        guard info.data_offsets[1] - info.data_offsets[0] == size else {
            throw ArrayFileError(.corrupt, path, "tensor '\(name)': shape \(info.shape) of \(info.dtype) needs \(size) bytes, data_offsets give \(info.data_offsets[1] - info.data_offsets[0])")
        }
        return Tensor(name: name, dtype: dtype, shape: info.shape,
                      bytes: (dataStart + info.data_offsets[0])..<(dataStart + info.data_offsets[1]))
    }

    /// The dtypes read here (every whole-byte one safetensors defines).
    static let dtypes: [String: (kind: ElementType.Kind, size: Int)] = [
        "F64": (.float, 8), "F32": (.float, 4), "F16": (.float, 2), "BF16": (.bfloat, 2),
        "I64": (.signed, 8), "I32": (.signed, 4), "I16": (.signed, 2), "I8": (.signed, 1),
        "U64": (.unsigned, 8), "U32": (.unsigned, 4), "U16": (.unsigned, 2), "U8": (.unsigned, 1),
        "BOOL": (.bool, 1),
    ]

    static func dtype(_ name: String) -> ElementType? {
        dtypes[name].map { ElementType(kind: $0.kind, size: $0.size, spelling: name) }
    }

    /// A floating-point tensor's values as Float.
    public func floats(_ name: String) throws(ArrayFileError) -> [Float] {
        guard let tensor = tensors[name] else { throw ArrayFileError(.corrupt, path, "no tensor '\(name)'") }
        guard tensor.dtype.isFloatingPoint else {
            throw ArrayFileError(.unsupported, path, "tensor '\(name)' is \(tensor.dtype), not floating point")
        }
        return tensor.dtype.floats(file.bytes(tensor.bytes))
    }

    enum Entry: Decodable {
        struct Info: Decodable {
            var dtype: String
            var shape: [Int]
            var data_offsets: [Int]
        }
        case tensor(Info)
        case metadata([String: String])

        init(from decoder: any Decoder) throws {
            if let info = try? Info(from: decoder) {
                self = .tensor(info)
            } else {
                self = .metadata(try [String: String](from: decoder))
            }
        }
    }

    static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        switch error {
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not JSON" : "bad value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
            return "unexpected entry at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default: return "not readable"
        }
    }
}
