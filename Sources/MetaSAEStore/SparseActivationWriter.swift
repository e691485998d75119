import HDF5

/// Appends row blocks to a depth's compressed-row form, keeping `indptr`,
/// `indices`, `values` and the `shape` attribute consistent after every
/// block, so no writer ever holds more than one block.
public final class SparseActivationWriter: @unchecked Sendable {
    public let group: Group
    let indptr: Dataset
    let indices: Dataset
    let values: Dataset
    public let width: Int
    public private(set) var rows = 0
    public private(set) var nonZeros: Int64 = 0

    init(group: Group, width: Int, gzipLevel: Int?) throws {
        self.group = group
        self.width = width
        let chunk = 1 << 18
        func options(_ size: Int) -> DatasetOptions {
            DatasetOptions(chunkDims: [chunk / size], maxDims: [nil], gzipLevel: gzipLevel, shuffle: gzipLevel != nil)
        }
        typealias Member = CanonicalPaths.SparseMember
        indptr = try group.createDataset(Member.indptr.rawValue, of: Int64.self, shape: [0], options: options(8))
        indices = try group.createDataset(Member.indices.rawValue, of: Int32.self, shape: [0], options: options(4))
        values = try group.createDataset(Member.values.rawValue, of: Float.self, shape: [0], options: options(4))
        try indptr.append([Int64(0)])
        try group.setAttribute("shape", [Int64(0), Int64(width)])
    }

    public func append(_ block: CSRBlock) throws {
        precondition(block.width == width, "block width differs")
        try indptr.append(block.offsets.dropFirst().map { nonZeros + Int64($0) })
        try indices.append(block.indices)
        try values.append(block.values)
        rows += block.rowCount
        nonZeros += Int64(block.nonZeros)
        try group.setAttribute("shape", [Int64(rows), Int64(width)])
    }

    /// Compresses and appends a dense row-major block.
    public func append(dense block: [Float]) throws {
        try block.withUnsafeBufferPointer { try append(CSRBlock(dense: $0, width: width)) }
    }
}

extension CanonicalWriter {
    /// Creates a depth's compressed-row form (`depths/d/sparse`).
    public func sparseActivations(depth: Int, width: Int, under prefix: String = "") throws -> SparseActivationWriter {
        let group = try rootGroup.createGroup(CanonicalPaths.sparse(depth, under: prefix))
        return try SparseActivationWriter(group: group, width: width, gzipLevel: gzipLevel)
    }
}

/// When to store a depth in compressed-row form.
public enum SparseStorage: Sendable, Equatable, CustomStringConvertible {
    case never
    case always
    /// When the share of non-zero entries is below this density.
    case below(Double)

    public static let defaultThreshold = 0.1

    public init?(argument: String) {
        switch argument.lowercased() {
        case "off", "never", "no": self = .never
        case "on", "always", "yes", "": self = .always
        case "auto": self = .below(Self.defaultThreshold)
        default:
            guard let value = Double(argument), value > 0, value <= 1 else { return nil }
            self = .below(value)
        }
    }

    public func useSparse(density: Double) -> Bool {
        switch self {
        case .never: return false
        case .always: return true
        case .below(let threshold): return density < threshold
        }
    }

    public var description: String {
        switch self {
        case .never: return "off"
        case .always: return "on"
        case .below(let threshold): return "auto (density < \(threshold))"
        }
    }
}

/// Where a depth's activations go: a dense dataset or the compressed-row
/// form. `train` and `convert` both write through it.
public enum ActivationSink {
    case dense(Dataset)
    case sparse(SparseActivationWriter)

    /// Appends rows; `float64` widens them for a float64 dense dataset.
    public func append(_ block: [Float], float64: Bool = false) throws {
        switch self {
        case .dense(let dataset): if float64 { try dataset.append(block.map(Double.init)) } else { try dataset.append(block) }
        case .sparse(let writer): try writer.append(dense: block)
        }
    }
}
