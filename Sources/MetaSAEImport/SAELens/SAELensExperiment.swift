import ArrayFiles
import Foundation
import HDF5
import MetaSAEStore

/// A cascade kept as SAELens folders, one per depth, with depth 0's
/// activations and the labels beside them. It is turned into an HDF5
/// export in SAELens naming (`sae_<d>/W_enc` …, each folder and architecture as attributes,
/// `activations/depth_0`, `labels`) with the mapping that says so, which
/// the converter then checks like any export: one checker for every route
/// into the tool.
public struct SAELensExperiment: Sendable {
    /// One SAE folder as read: its cfg and tensors, the weights, and what
    /// reading it did that a user should know.
    public struct SAE: Sendable {
        public let folder: SAELensFolder
        public let weights: SAEWeights
        public let notes: [String]
    }
    public var saes: [SAE]
    public var activations: ArrayInput
    public var labels: ArrayInput

    public static let activationNames = ["activations", "activations/depth_0", "depth_0", "acts", "a0"]
    public static let labelNames = ["labels", "y", "targets", "label"]

    /// The SAE folders under `folder`, in depth order: `folder` itself when it
    /// holds one SAE, else its subfolders named with their depth (depth_1,
    /// sae_2, layer3, 4 …), which must number 1…D.
    public static func depthFolders(in folder: String) throws -> [String] {
        if SAELensFolder.holdsSAE(folder) { return [folder] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var numbered: [Int: String] = [:]
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            guard SAELensFolder.holdsSAE(path) else { continue }
            guard let depth = LayoutDetector.number(in: name), (1...Numbering.maximumDepth).contains(depth) else {
                throw ArrayFileError(.layout, path, "an SAE folder whose name does not end in its depth (name them depth_1, depth_2, …)")
            }
            if let other = numbered[depth] { throw ArrayFileError(.layout, folder, "\(name) and \((other as NSString).lastPathComponent) both claim depth \(depth)") }
            numbered[depth] = path
        }
        guard !numbered.isEmpty else {
            throw ArrayFileError(.notFound, folder, "no SAELens SAE folder (cfg.json and sae_weights.safetensors) in it or its subfolders")
        }
        let depths = numbered.keys.sorted()
        guard Numbering.isDense(depths, from: 1) else {
            throw ArrayFileError(.layout, folder, "SAE folders for depths \(depths.map(String.init).joined(separator: ", ")); depths must run 1…D")
        }
        return depths.map { numbered[$0]! }
    }

    /// Reads every SAE (checked) and locates the activations and labels:
    /// the given specs, else `activations.npy` / `labels.npy` in `folder`.
    public init(saeFolders: [String], folder: String, activations: String?, labels: String?) throws {
        saes = try saeFolders.map { path in
            let folder = try SAELensFolder(path: path)
            let (weights, notes) = try folder.read()
            return SAE(folder: folder, weights: weights, notes: notes)
        }
        func locate(_ spec: String?, _ stem: String, names: [String], role: String) throws -> ArrayInput {
            if let spec { return try ArrayInput.open(spec, names: names) }
            for name in ["\(stem).npy", "\(stem).h5", "\(stem).hdf5"] {
                let path = (folder as NSString).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: path) { return try ArrayInput.open(path, names: names) }
            }
            throw ArrayFileError(.notFound, folder, "no \(role): give --\(stem) FILE.npy (or FILE.h5:dataset), or put \(stem).npy in the folder")
        }
        self.activations = try locate(activations, "activations", names: Self.activationNames, role: "depth-0 activations [N, d_in]")
        self.labels = try locate(labels, "labels", names: Self.labelNames, role: "labels [N]")
    }

    /// Writes the export to `path` (a new file), streaming the activations,
    /// and returns where it put each array: the mapping `convert` follows
    /// (nothing to detect in a file written here).
    public func assemble(into path: String) throws -> ConversionMapping {
        let file = try File.create(path)
        defer { file.close() }
        let root = try file.root
        var entries: [ConversionMapping.Entry] = []
        var attributes: [String: ConversionMapping.SAEAttributes] = [:]
        for (index, sae) in saes.enumerated() {
            let depth = index + 1
            let weights = sae.weights
            let group = try root.createGroup("sae_\(depth)")
            try group.setAttribute("source", sae.folder.path)
            try group.setAttribute("architecture", sae.folder.config.architecture)
            for (name, values, shape) in weights.arrays {
                try group.writeDataset(name, values, shape: shape)
                let target = CanonicalPaths.SAETensor(rawValue: name).map { CanonicalTarget.sae(depth: depth, tensor: $0) } ?? .threshold(depth: depth)
                entries.append(.init(source: "/sae_\(depth)/\(name)", target: target.path))
            }
            var k: Int?
            if case .topK(let value) = weights.activation { k = value }
            attributes[String(depth)] = .init(activationFunction: weights.activation.name, applyDecoderBias: weights.subtractsDecoderBias ? 1 : 0, k: k)
        }
        try copy(activations, to: root, name: "activations/depth_0", floats: true)
        try copy(labels, to: root, name: "labels", floats: false)
        entries.append(.init(source: "/activations/depth_0", target: CanonicalTarget.activations(depth: 0).path))
        entries.append(.init(source: "/labels", target: CanonicalTarget.labels.path))
        return ConversionMapping(entries: entries, sae: attributes)
    }

    func copy(_ input: ArrayInput, to root: Group, name: String, floats: Bool) throws {
        let shape = try input.shape()
        guard shape.count == (floats ? 2 : 1) else {
            throw ArrayFileError(.layout, input.description, "\(floats ? "activations" : "labels") are \(shape.count)-D \(shape); expected \(floats ? "[N, d_in]" : "[N]")")
        }
        let rows = shape[0]
        let width = floats ? shape[1] : 1
        guard rows > 0, width > 0 else { throw ArrayFileError(.layout, input.description, "no \(floats ? "activations" : "labels"): shape \(shape)") }
        let block = max(1, min(rows, (8 << 20) / max(1, width * 4)))
        let options = DatasetOptions(chunkDims: floats ? [block, width] : [block])
        if floats {
            let dataset = try root.createDataset(name, of: Float.self, shape: shape, options: options)
            var start = 0
            try input.forEachBlock(rowsPerBlock: block, floats: true) { values, _ in
                try values.withUnsafeBufferPointer { try dataset.write(rows: start..<(start + values.count / width), from: $0) }
                start += values.count / width
            }
        } else {
            let dataset = try root.createDataset(name, of: Int64.self, shape: shape, options: options)
            var start = 0
            try input.forEachBlock(rowsPerBlock: block, floats: false) { _, values in
                try values.withUnsafeBufferPointer { try dataset.write(rows: start..<(start + values.count), from: $0) }
                start += values.count
            }
        }
    }
}
