import Foundation
import HDF5

/// Writes a canonical file: into a temporary beside the destination, renamed
/// into place by `commit()`. Activations are appended in row blocks, so no
/// writer ever holds a whole activation matrix.
public final class CanonicalWriter: @unchecked Sendable {
    public let output: AtomicOutput
    private var file: File?
    private var root: Group?
    /// Deflate level for activation datasets (nil for none). Level 1 with
    /// shuffle compresses ReLU activations nearly as well as 4, several times faster.
    public var gzipLevel: Int? = 1

    public init(destination: String, source: String? = nil, seed: Int? = nil, toolVersion: String) throws {
        output = try AtomicOutput(destination: destination)
        let file = try File.create(output.temporaryPath, mode: .exclusive)
        let root = try file.root
        self.file = file
        self.root = root
        try root.setAttribute(CanonicalPaths.schemaAttribute, CanonicalPaths.schemaName)
        try root.setAttribute(CanonicalPaths.versionAttribute, Int64(CanonicalPaths.version))
        try root.setAttribute("tool_version", toolVersion)
        try root.setAttribute("created", Self.creationTime())
        if let source { try root.setAttribute("source", source) }
        if let seed { try root.setAttribute("seed", Int64(seed)) }
    }

    /// Now, or SOURCE_DATE_EPOCH when set (reproducible builds' convention),
    /// so that the same inputs can give byte-identical files.
    static func creationTime() -> String {
        var date = Date()
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = TimeInterval(epoch) {
            date = Date(timeIntervalSince1970: seconds)
        }
        return ISO8601DateFormatter().string(from: date)
    }

    /// The root group, for callers that add attributes of their own.
    public var rootGroup: Group {
        get throws {
            guard let root else { throw StoreError.output(path: output.destination, "writer already finished") }
            return root
        }
    }

    public func writeLabels(_ labels: [Int64]) throws {
        try rootGroup.writeDataset(CanonicalPaths.labels, labels, shape: [labels.count],
                                   options: .rowChunked(width: 1, elementSize: 8, gzipLevel: gzipLevel).vector)
    }

    /// Creates an empty, growable `[0, width]` activation dataset for a depth;
    /// append row blocks to it with `Dataset.append`.
    public func activations(depth: Int, width: Int, under prefix: String = "") throws -> Dataset {
        try rootGroup.createDataset(
            CanonicalPaths.activations(depth, under: prefix), of: Float.self, shape: [0, width],
            options: .rowChunked(width: width, elementSize: 4, gzipLevel: gzipLevel, shuffle: gzipLevel != nil))
    }

    /// Writes one SAE's tensors (as float64 with `float64`) and its
    /// attributes (`activation_fn`, `d_in`, `d_sae`, `apply_b_dec_to_input`,
    /// plus `extra`, e.g. hyper-parameters).
    public func writeSAE(depth: Int, _ weights: SAEWeights, extra: [String: AttributeValue] = [:], under prefix: String = "",
                         float64: Bool = false) throws {
        let group = try rootGroup.createGroup(CanonicalPaths.sae(depth, under: prefix))
        for tensor in weights.tensors {
            if float64 {
                try group.writeDataset(tensor.name.rawValue, tensor.values.map(Double.init), shape: tensor.shape)
            } else {
                try group.writeDataset(tensor.name.rawValue, tensor.values, shape: tensor.shape)
            }
        }
        try group.setAttribute("activation_fn", weights.activationFunction)
        try group.setAttribute("d_in", Int64(weights.inputWidth))
        try group.setAttribute("d_sae", Int64(weights.latentWidth))
        try group.setAttribute("apply_b_dec_to_input", Int64(weights.subtractsDecoderBias ? 1 : 0))
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) {
            try group.setAttribute(name, value)
        }
    }

    /// Flushes, closes and renames the file into place.
    public func commit() throws {
        guard let file else { return }
        try file.flush()
        root = nil
        file.close()
        self.file = nil
        try output.commit()
    }

    /// Drops everything written; the destination is untouched.
    public func abandon() {
        root = nil
        file?.close()
        file = nil
        output.abandon()
    }

    deinit { abandon() }
}

extension DatasetOptions {
    /// The same options for a 1-D dataset (drops the second dimension).
    var vector: DatasetOptions {
        var copy = self
        copy.chunkDims = chunkDims.map { [max(1, $0[0])] }
        copy.maxDims = [nil]
        return copy
    }
}

extension AttributeHolder {
    /// Writes an `AttributeValue` with the natural HDF5 type.
    public func setAttribute(_ name: String, _ value: AttributeValue) throws {
        switch value {
        case .string(let text): try setAttribute(name, text)
        case .strings(let texts): try setAttribute(name, texts.joined(separator: "\n"))
        case .integer(let number): try setAttribute(name, number)
        case .integers(let numbers): try setAttribute(name, numbers)
        case .double(let number): try setAttribute(name, number)
        case .doubles(let numbers): try setAttribute(name, numbers)
        case .unsupported: break
        }
    }
}
