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
        let file: File
        do {
            file = try File.create(output.temporaryPath, mode: .exclusive)
        } catch {
            throw AtomicOutput.cannotCreate(destination)
        }
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
        try labelRows().append(labels)
    }

    /// The `labels` dataset, grown as blocks of labels are appended.
    public func labelRows() throws -> LabelRows {
        LabelRows(dataset: try rootGroup.createDataset(
            CanonicalPaths.labels, of: Int64.self, shape: [0],
            options: .rowChunked(width: 1, elementSize: 8, gzipLevel: gzipLevel).vector))
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
        try writeSAE(weights, at: CanonicalPaths.sae(depth, under: prefix), extra: extra, float64: float64)
    }

    /// The flat control of `depth`: its SAE (F0 → Fd) and, returned, a sink for its codes.
    public func flatControl(depth: Int, _ weights: SAEWeights, targetL0: Double, extra: [String: AttributeValue] = [:]) throws -> ActivationSink {
        let path = CanonicalPaths.flatControl(depth)
        try writeSAE(weights, at: path + "/" + CanonicalPaths.DepthMember.sae.rawValue, extra: extra)
        try rootGroup.group(path).setAttribute("target_l0", targetL0)
        return .dense(try rootGroup.createDataset(
            path + "/" + CanonicalPaths.DepthMember.activations.rawValue, of: Float.self, shape: [0, weights.latentWidth],
            options: .rowChunked(width: weights.latentWidth, elementSize: 4, gzipLevel: gzipLevel, shuffle: gzipLevel != nil)))
    }

    /// Starts matched-null cascade `index`: its group, seed and initialisation rule.
    /// A random-init cascade beside the trained one (a null model at
    /// `CanonicalPaths.nullModel(i)`, a matched null at `matchedNull(i)`):
    /// its seed, how it was made, and its SAEs by depth.
    public func writeCascade(under prefix: String, seed: UInt64, initialisation: String, saes: [SAEWeights]) throws {
        let group = try rootGroup.createGroup(prefix)
        try group.setAttribute("seed", Int64(truncatingIfNeeded: seed))
        try group.setAttribute("init", initialisation)
        for (index, sae) in saes.enumerated() {
            try writeSAE(depth: index + 1, sae, extra: ["init": .string("torch.nn.Linear default")], under: prefix)
        }
    }

    func writeSAE(_ weights: SAEWeights, at path: String, extra: [String: AttributeValue], float64: Bool = false) throws {
        let group = try rootGroup.createGroup(path)
        for array in weights.arrays {
            try group.writeTensor(array.name, array.values, shape: array.shape, float64: float64)
        }
        try group.setAttribute("activation_fn", weights.activation.name)
        if case .topK(let k) = weights.activation { try group.setAttribute("k", Int64(k)) }
        try group.setAttribute("d_in", Int64(weights.inputWidth))
        try group.setAttribute("d_sae", Int64(weights.latentWidth))
        try group.setAttribute("apply_b_dec_to_input", Int64(weights.subtractsDecoderBias ? 1 : 0))
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) {
            try group.setAttribute(name, value)
        }
    }

    /// A string attribute on the root (e.g. the training configuration).
    public func setRootAttribute(_ name: String, _ value: String) throws {
        try rootGroup.setAttribute(name, value)
    }

    /// Starts null cascade `index`: its group, seed and initialisation rule.
    /// A dense activation dataset as a sink rows are appended to
    /// (`float64`: stored as float64, for `convert --float64`).
    public func denseActivations(depth: Int, width: Int, under prefix: String = "", float64: Bool = false) throws -> ActivationSink {
        guard float64 else { return .dense(try activations(depth: depth, width: width, under: prefix)) }
        return .dense(try rootGroup.createDataset(
            CanonicalPaths.activations(depth, under: prefix), of: Double.self, shape: [0, width],
            options: .rowChunked(width: width, elementSize: 8, gzipLevel: gzipLevel ?? 1, shuffle: true)))
    }

    /// The optional `images` dataset, [0, pixels] uint8, rows appended as
    /// examples are written.
    public func images(pixels: Int) throws -> ImageRows {
        ImageRows(dataset: try rootGroup.createDataset(
            CanonicalPaths.images, of: UInt8.self, shape: [0, pixels],
            options: .rowChunked(width: pixels, elementSize: 1, gzipLevel: 4)))
    }

    /// Consecutive ranges of at most `blockRows` rows covering `rows` rows.
    public static func blocks(rows: Int, blockRows: Int) -> [Range<Int>] {
        Dataset.blocks(rows: rows, blockRows: blockRows)
    }

    /// Writes the base classifier's layers (nn.Linear orientation, [out, in])
    /// and what is known about it.
    public func writeClassifier(_ layers: [(weight: [Float], bias: [Float], inputs: Int, outputs: Int)],
                                architecture: String? = nil, hiddenLayer: Int? = nil, testAccuracy: Double? = nil,
                                float64: Bool = false) throws {
        let group = try rootGroup.createGroup(CanonicalPaths.classifier)
        if let architecture { try group.setAttribute("architecture", architecture) }
        if let hiddenLayer { try group.setAttribute("hidden_layer", Int64(hiddenLayer)) }
        if let testAccuracy { try group.setAttribute("test_accuracy", testAccuracy) }
        for (index, layer) in layers.enumerated() {
            try root?.writeTensor(CanonicalPaths.classifierTensor(.weight, of: index), layer.weight, shape: [layer.outputs, layer.inputs], float64: float64)
            try root?.writeTensor(CanonicalPaths.classifierTensor(.bias, of: index), layer.bias, shape: [layer.outputs], float64: float64)
        }
    }

    /// Flushes and closes the file, proves it with the checker (a file
    /// this tool writes never fails its own checks), and renames it into place.
    public func commit() throws {
        guard let file else { return }
        try file.flush()
        // Checked through the writer's own handle: reopening a file this
        // process still holds would meet HDF5's file lock.
        let problem = Violation.mostSevere(try CanonicalFile(file: file).check().violations)
        root = nil
        file.close()
        self.file = nil
        if let problem {
            output.abandon()
            throw StoreError.output(path: output.destination, "the written file fails its own check (\(problem.path): \(problem.message))")
        }
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

/// Blocks of labels appended to the `labels` dataset.
public struct LabelRows: @unchecked Sendable {
    let dataset: Dataset

    public func append(_ labels: [Int64]) throws { try dataset.append(labels) }
}

extension Group {
    /// A Float32 tensor, stored as float64 when asked.
    func writeTensor(_ path: String, _ values: [Float], shape: [Int], float64: Bool) throws {
        if float64 {
            try writeDataset(path, values.map(Double.init), shape: shape)
        } else {
            try writeDataset(path, values, shape: shape)
        }
    }
}

/// Rows of images appended to the `images` dataset.
public struct ImageRows: @unchecked Sendable {
    let dataset: Dataset

    public func append(_ pixels: [UInt8]) throws { try dataset.append(pixels) }
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

/// An attribute value as writers above the store give it (the store is
/// their only way to the file).
public typealias FileAttribute = AttributeValue
