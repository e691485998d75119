import ArrayFiles
import Foundation
import HDF5

/// Depth-0 activations or labels given beside SAELens folders: a `.npy`
/// file, or an HDF5 file with `:dataset` (default: the one dataset the
/// role's usual names find).
public enum ArrayInput: Sendable {
    case npy(NPYFile)
    /// Its shape read when it was opened.
    case hdf5(path: String, dataset: String, shape: [Int])

    /// The HDF5 files among `specs`, for the caller's crash-isolating probe.
    public static func hdf5Paths(_ specs: [String]) -> [String] {
        specs.compactMap { spec in isNPY(split(spec).path) ? nil : split(spec).path }
    }

    static func isNPY(_ path: String) -> Bool { path.lowercased().hasSuffix(".npy") }

    /// `file.h5:/group/name` → (file.h5, /group/name); a path without a colon, whole.
    static func split(_ spec: String) -> (path: String, dataset: String?) {
        if FileManager.default.fileExists(atPath: spec) { return (spec, nil) }
        guard let colon = spec.lastIndex(of: ":") else { return (spec, nil) }
        return (String(spec[..<colon]), String(spec[spec.index(after: colon)...]))
    }

    public static func open(_ spec: String, names: [String]) throws -> ArrayInput {
        let (path, dataset) = split(spec)
        if isNPY(path) { return .npy(try NPYFile(path: path)) }
        let file = try File.open(path)
        defer { file.close() }
        if let dataset { return .hdf5(path: path, dataset: dataset, shape: try file.root.dataset(dataset).shape.dims) }
        for name in names {
            if let found = try? file.root.dataset(name) { return .hdf5(path: path, dataset: name, shape: try found.shape.dims) }
        }
        throw ArrayFileError(.notFound, path, "no dataset named \(names.joined(separator: " or ")); name it as \(path):/path/to/dataset")
    }

    public var description: String {
        switch self {
        case .npy(let file): return file.path
        case .hdf5(let path, let dataset, _): return "\(path):\(dataset)"
        }
    }

    /// Rows × width, for checks before anything is copied.
    public func shape() throws -> [Int] {
        switch self {
        case .npy(let file): return file.shape
        case .hdf5(_, _, let shape): return shape
        }
    }

    /// Calls `body` with successive row blocks of `rowsPerBlock` rows.
    func forEachBlock(rowsPerBlock: Int, floats: Bool, _ body: (_ floats: [Float], _ integers: [Int64]) throws -> Void) throws {
        let rows = try shape().first ?? 0
        switch self {
        case .npy(let file):
            guard floats ? file.dtype.isFloatingPoint : file.dtype.isInteger else {
                throw ArrayFileError(.unsupported, file.path, "dtype \(file.dtype) where \(floats ? "floating-point activations" : "integer labels") are needed")
            }
            for range in Dataset.blocks(rows: rows, blockRows: rowsPerBlock) {
                if floats {
                    try body(file.floats(rows: range), [])
                } else {
                    guard let values = file.integers(rows: range) else {
                        throw ArrayFileError(.unsupported, file.path, "labels beyond the Int64 range")
                    }
                    try body([], values)
                }
            }
        case .hdf5(let path, let name, _):
            let file = try File.open(path)
            defer { file.close() }
            let dataset = try file.root.dataset(name)
            for range in Dataset.blocks(rows: rows, blockRows: rowsPerBlock) {
                if floats { try body(try dataset.readRows(range, as: Float.self), []) } else { try body([], try dataset.readRows(range, as: Int64.self)) }
            }
        }
    }
}
