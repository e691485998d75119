import HDF5

/// A canonical experiment file opened for reading.
///
/// It answers the structural questions (how many depths, how wide, how many
/// examples) from metadata alone; data is read through streams.
public final class CanonicalFile: @unchecked Sendable {
    public let file: File
    public let root: Group

    public init(file: File) throws {
        self.file = file
        self.root = try file.root
    }

    /// Opens a file read-only.
    public convenience init(path: String) throws {
        try self.init(file: try File.open(path, mode: .readOnly))
    }

    public var path: String { file.path }

    /// True when the root carries the canonical schema marker.
    public var isCanonical: Bool {
        (try? root.attribute(CanonicalPaths.schemaAttribute).stringValue) == CanonicalPaths.schemaName
    }

    public var schemaVersion: Int? {
        (try? root.attribute(CanonicalPaths.versionAttribute).intValue).map(Int.init)
    }

    /// Depth numbers present under `depths/` (or a null model's `depths/`),
    /// sorted. Entries that are not non-negative integers are ignored here
    /// and reported by the validator.
    public func depthNumbers(under prefix: String = "") throws -> [Int] {
        let path = prefix + CanonicalPaths.depths
        guard root.contains(path) else {
            _ = try root.linkNames()  // a damaged root group is corruption, not an empty file
            return []
        }
        return try root.group(path).linkNames().compactMap(Int.init).filter { $0 >= 0 }.sorted()
    }

    /// Indices of the null-model cascades present.
    public func nullModelIndices() throws -> [Int] {
        guard root.contains(CanonicalPaths.nullModels) else { return [] }
        return try root.group(CanonicalPaths.nullModels).linkNames().compactMap(Int.init).sorted()
    }

    /// Number of examples: the length of `labels`, else depth 0's rows.
    public func exampleCount() throws -> Int? {
        if root.contains(CanonicalPaths.labels) {
            return try root.dataset(CanonicalPaths.labels).rowCount
        }
        if let shape = try activationShape(depth: 0) { return shape.first }
        return nil
    }

    /// `[N, F]` of a depth's activations, from the dense dataset or the
    /// sparse form's `shape` attribute.
    public func activationShape(depth: Int, under prefix: String = "") throws -> [Int]? {
        let dense = CanonicalPaths.activations(depth, under: prefix)
        if root.contains(dense) {
            return try root.dataset(dense).shape.dims
        }
        let sparse = CanonicalPaths.sparse(depth, under: prefix)
        if root.contains(sparse), case .integers(let dims)? = try? root.group(sparse).attribute("shape") {
            return dims.map { Int($0) }
        }
        return nil
    }

    /// Width F of a depth: activations' second dimension, else the SAE's
    /// latent width (W_enc's second dimension).
    public func width(depth: Int, under prefix: String = "") throws -> Int? {
        if let shape = try activationShape(depth: depth, under: prefix), shape.count == 2 {
            return shape[1]
        }
        let encoder = CanonicalPaths.sae(depth, under: prefix) + "/W_enc"
        if depth >= 1, root.contains(encoder) {
            let dims = try root.dataset(encoder).shape.dims
            if dims.count == 2 { return dims[1] }
        }
        return nil
    }

    /// The dense activations dataset of a depth.
    public func activations(depth: Int, under prefix: String = "") throws -> Dataset {
        try root.dataset(CanonicalPaths.activations(depth, under: prefix))
    }

    /// Reads all labels (N integers) as Int32.
    public func labels() throws -> [Int32] {
        try root.dataset(CanonicalPaths.labels).readAll(as: Int32.self)
    }
}
