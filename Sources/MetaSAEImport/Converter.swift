import AtomicityMetrics
import Foundation
import HDF5
import MetaSAEStore

/// Converts a PyTorch-style export into a canonical file, following a
/// `ConversionMapping` (detected or given). The input is opened read-only;
/// the output is written to a temporary beside OUT and renamed at the end.
public struct Converter: Sendable {
    public struct Options: Sendable {
        /// Treat every uint16 / 2-byte opaque float-role dataset as bfloat16 bits.
        public var bf16 = false
        public var allowNonFinite = false
        /// Write float64 instead of float32.
        public var float64 = false
        public var square: String = "auto"
        /// Compressed-row storage of SAE latents (depths ≥ 1), decided per
        /// depth from the density of its first block.
        public var sparse: SparseStorage = .never
        /// Recompute depths whose activations the input lacks, through their
        /// encoders (off: a missing depth is an error).
        public var recomputeMissing = false
        public init() {}
    }

    /// What a conversion found, per source dataset.
    public struct Report: Sendable {
        public var rows: Int
        public var widths: [Int]
        /// "source: n NaN, m Inf" for each source with non-finite values.
        public var nonFinite: [String]
        /// Depths whose activations were recomputed (absent in the input).
        public var recomputedDepths: [Int]
    }

    public var options: Options
    public var toolVersion: String

    public init(options: Options = Options(), toolVersion: String) {
        self.options = options
        self.toolVersion = toolVersion
    }

    /// Detects the layout of `input`.
    public func detect(_ input: String) throws -> ConversionMapping {
        let file = try File.open(input, mode: .readOnly)
        let datasets = try SourceInventory.datasets(in: file)
        guard let rule = LayoutDetector.SquareRule(rawValue: options.square) else {
            throw ConversionError.mapping("--square must be auto, linear or saelens")
        }
        var detector = LayoutDetector(datasets: datasets, squareRule: rule) { path, rows in
            let dataset = try file.root.dataset(path)
            let total = try dataset.rowCount
            return try dataset.readRows(0..<min(rows, total), as: Float.self)
        }
        detector.groupAttributes = DeclaredAttributes.collect(file, datasets: datasets)
        var mapping = try detector.detect()
        if options.bf16 {
            // The flag marks every 2-byte integer or opaque source in a float role.
            for entry in mapping.entries where entry.target != "labels" {
                if let source = datasets.first(where: { $0.path == entry.source }), source.type.couldHoldBFloat16,
                   !(mapping.bf16 ?? []).contains(entry.source) {
                    mapping.bf16 = (mapping.bf16 ?? []) + [entry.source]
                }
            }
        }
        return mapping
    }

    /// Writes the canonical file.
    public func convert(_ input: String, to output: String, mapping: ConversionMapping) throws -> Report {
        guard mapping.format == ConversionMapping.formatName, mapping.version == 1 else {
            throw ConversionError.mapping("format must be \"\(ConversionMapping.formatName)\" version 1")
        }
        let source = try File.open(input, mode: .readOnly)
        let root = try source.root
        let plan = try ConversionPlan(mapping: mapping, root: root, flagBF16: options.bf16)
        if plan.rows == 0 { throw ConversionError.layout("the input has no examples (0 rows)") }
        let missing = (1...plan.saeDepths.count).filter { !plan.hasActivations($0) }
        if !missing.isEmpty && !options.recomputeMissing {
            throw ConversionError.layout("no activations for depth \(missing.map(String.init).joined(separator: ", ")); pass --recompute-missing to compute them from the depth below through the stored encoders")
        }
        let writer = try CanonicalWriter(destination: output, source: input, toolVersion: toolVersion)
        let out = try writer.rootGroup
        try out.setAttribute("converted_from", URL(fileURLWithPath: input).standardizedFileURL.path)
        try out.setAttribute("conversion_mapping", String(decoding: try JSONEncoder.compact.encode(mapping), as: UTF8.self))
        if let exporter = try? root.attribute("exported_by").stringValue { try out.setAttribute("source_exported_by", exporter) }

        var nonFinite: [String] = []
        // Labels: any integer type, 0–9, one per row.
        try writer.writeLabels(try plan.labels(expectedRows: plan.rows))
        // SAE weights, transposed into SAELens orientation where needed.
        var saes: [SAEWeights] = []
        for depth in plan.saeDepths {
            var tensors: [CanonicalPaths.SAETensor: [Float]] = [:]
            for tensor in CanonicalPaths.SAETensor.allCases {
                let (values, bad) = try plan.tensor(CanonicalPaths.sae(depth) + "/" + tensor.rawValue)
                if let bad { nonFinite.append(bad) }
                tensors[tensor] = values
            }
            let attributes = mapping.sae?[String(depth)]
            let weights = SAEWeights(
                inputWidth: plan.widths[depth - 1], latentWidth: plan.widths[depth],
                encoderWeight: tensors[.encoderWeight]!, encoderBias: tensors[.encoderBias]!,
                decoderWeight: tensors[.decoderWeight]!, decoderBias: tensors[.decoderBias]!,
                activationFunction: attributes?.activation_fn ?? "relu",
                subtractsDecoderBias: (attributes?.apply_b_dec_to_input ?? 0) != 0)
            try writeSAE(weights, depth: depth, into: writer)
            saes.append(weights)
        }
        // Activations, streamed in row blocks; missing depths recomputed.
        var sinks: [Int: ActivationSink] = [:]
        func sink(depth: Int, for block: [Float]) throws -> ActivationSink {
            if let made = sinks[depth] { return made }
            let density = Double(block.filter { $0 != 0 }.count) / Double(max(block.count, 1))
            let made: ActivationSink = depth >= 1 && options.sparse.useSparse(density: density) && !options.float64
                ? .sparse(try writer.sparseActivations(depth: depth, width: plan.widths[depth]))
                : .dense(try createActivations(out, depth: depth, width: plan.widths[depth]))
            sinks[depth] = made
            return made
        }
        func writeActivations(_ block: [Float], depth: Int) throws {
            try append(block, to: try sink(depth: depth, for: block))
        }
        var recomputed: [Int] = []
        var depth = 0
        while depth <= plan.saeDepths.count {
            if plan.hasActivations(depth) {
                if let bad = try plan.streamActivations(depth: depth, { try writeActivations($0, depth: depth) }) { nonFinite.append(bad) }
                depth += 1
                continue
            }
            // A run of missing depths, encoded in one pass over the nearest
            // stored depth below, each through the encoders in between.
            let missing = depth..<((depth...plan.saeDepths.count).first { plan.hasActivations($0) } ?? plan.saeDepths.count + 1)
            let stored = (0..<depth).last { plan.hasActivations($0) } ?? 0
            recomputed += missing
            try plan.streamActivations(depth: stored) { block in
                var latents = block
                for next in (stored + 1)..<missing.upperBound {
                    let sae = saes[next - 1]
                    latents = EncodedActivations.encode(latents, rows: latents.count / sae.inputWidth, with: sae)
                    if missing.contains(next) { try writeActivations(latents, depth: next) }
                }
            }
            depth = missing.upperBound
        }
        // Zero rows: still create every depth's dataset.
        for depth in 0...plan.saeDepths.count where sinks[depth] == nil { _ = try sink(depth: depth, for: []) }
        // Classifier layers, unchanged.
        for layer in plan.classifierLayers {
            for tensor in ["weight", "bias"] {
                let target = "classifier/layers/\(layer)/\(tensor)"
                guard plan.mapping.entry(for: target) != nil else { continue }
                let (values, dims, bad) = try plan.matrix(target)
                if let bad { nonFinite.append(bad) }
                try write(values, dims: dims, at: target, in: out)
            }
        }
        if !nonFinite.isEmpty && !options.allowNonFinite {
            writer.abandon()
            throw ConversionError.nonFinite(nonFinite)
        }
        try writer.commit()
        return Report(rows: plan.rows, widths: plan.widths, nonFinite: nonFinite, recomputedDepths: recomputed)
    }

    func createActivations(_ root: Group, depth: Int, width: Int) throws -> Dataset {
        let size = options.float64 ? 8 : 4
        let chunked = DatasetOptions.rowChunked(width: width, elementSize: size, gzipLevel: 1, shuffle: true)
        return options.float64
            ? try root.createDataset(CanonicalPaths.activations(depth), of: Double.self, shape: [0, width], options: chunked)
            : try root.createDataset(CanonicalPaths.activations(depth), of: Float.self, shape: [0, width], options: chunked)
    }

    func append(_ block: [Float], to sink: ActivationSink) throws {
        try sink.append(block, float64: options.float64)
        DebugHooks.afterBlock()
    }

    func write(_ values: [Float], dims: [Int], at path: String, in root: Group) throws {
        if options.float64 {
            try root.writeDataset(path, values.map(Double.init), shape: dims)
        } else {
            try root.writeDataset(path, values, shape: dims)
        }
    }

    func writeSAE(_ weights: SAEWeights, depth: Int, into writer: CanonicalWriter) throws {
        try writer.writeSAE(depth: depth, weights, extra: ["init": .string("converted")], float64: options.float64)
    }
}

extension JSONEncoder {
    static var compact: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
