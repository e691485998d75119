import AtomicityMetrics
import Foundation
import HDF5
import MetaSAEStore

/// Converts a PyTorch-style export into a canonical file, following a
/// `ConversionMapping` (detected or given). The export is located through
/// the mapping and proved by the same checker as canonical files; the
/// writer then consumes the checked experiment. The input is opened
/// read-only; the output is written to a temporary beside OUT and renamed
/// at the end, after the canonical file has passed the checker too.
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
            for entry in mapping.entries where entry.target != CanonicalTarget.labels.path {
                if let source = datasets.first(where: { $0.path == entry.source }), source.type.couldHoldBFloat16,
                   !(mapping.bf16 ?? []).contains(entry.source) {
                    mapping.bf16 = (mapping.bf16 ?? []) + [entry.source]
                }
            }
        }
        return mapping
    }

    /// Locates the export through `mapping` and proves it with the checker.
    public func check(_ input: String, mapping: ConversionMapping) throws -> CheckedExperiment {
        guard mapping.format == ConversionMapping.formatName, mapping.version == 1 else {
            throw ConversionError.mapping("format must be \"\(ConversionMapping.formatName)\" version 1")
        }
        var locator = ExportLocator(mapping: mapping, file: try File.open(input, mode: .readOnly))
        locator.flagBF16 = options.bf16
        let (layout, located) = try locator.locate()
        let outcome = ExperimentChecker().check(layout, located: located)
        if !options.recomputeMissing, let experiment = outcome.experiment {
            let missing = (1...experiment.depthCount).filter { experiment.trained.activations[$0] == nil }
            if !missing.isEmpty {
                throw ConversionError.layout("no activations for depth \(missing.map(String.init).joined(separator: ", ")); pass --recompute-missing to compute them from the depth below through the stored encoders")
            }
        }
        return try outcome.checked()
    }

    /// Writes the canonical file.
    /// `source` names what the input was made from, when not the input
    /// itself (SAELens folders assembled into a temporary export).
    public func convert(_ input: String, to output: String, mapping: ConversionMapping, source: String? = nil) throws -> Report {
        let experiment = try check(input, mapping: mapping)
        var nonFinite: [String] = []
        // Weights first: non-finite values are refused before anything is written.
        let saes = try experiment.trained.saes.map { sae -> SAEWeights in
            let weights = try sae.load(requireFinite: false)
            for (name, values, _) in weights.arrays {
                if let bad = Self.nonFiniteSummary(values, source: sae.sourcePath(of: name)) { nonFinite.append(bad) }
            }
            return weights
        }
        let layers = try (experiment.classifier?.layers ?? []).map { layer -> (weight: [Float], bias: [Float], inputs: Int, outputs: Int) in
            let weight = try layer.weight.floats()
            let bias = try layer.bias.floats()
            for (values, tensor) in [(weight, layer.weight), (bias, layer.bias)] {
                if let bad = Self.nonFiniteSummary(values, source: tensor.path) { nonFinite.append(bad) }
            }
            return (weight, bias, layer.inputs, layer.outputs)
        }
        let origin = source ?? input
        let writer = try CanonicalWriter(destination: output, source: origin, toolVersion: toolVersion)
        try writer.setRootAttribute("converted_from", URL(fileURLWithPath: origin).standardizedFileURL.path)
        try writer.setRootAttribute("conversion_mapping", String(decoding: try JSONEncoder.compact.encode(mapping), as: UTF8.self))
        if let exporter = experiment.provenance.writtenBy { try writer.setRootAttribute("source_exported_by", exporter) }
        try writeLabels(experiment.labels, into: writer)
        for (index, weights) in saes.enumerated() {
            try writer.writeSAE(depth: index + 1, weights, extra: ["init": .string("converted")], float64: options.float64)
        }
        let recomputed = try writeActivations(experiment, saes: saes, into: writer, nonFinite: &nonFinite)
        if !layers.isEmpty {
            try writer.writeClassifier(layers, hiddenLayer: experiment.classifier?.hiddenLayer, float64: options.float64)
        }
        if !nonFinite.isEmpty && !options.allowNonFinite {
            writer.abandon()
            throw ConversionError.nonFinite(nonFinite)
        }
        try writer.commit()
        return Report(rows: experiment.exampleCount, widths: experiment.widths, nonFinite: nonFinite, recomputedDepths: recomputed)
    }

    /// Labels, streamed: 0–9, one per row.
    func writeLabels(_ labels: LabelReader, into writer: CanonicalWriter) throws {
        let sink = try writer.labelRows()
        for block in CanonicalWriter.blocks(rows: labels.count, blockRows: 1 << 20) {
            try sink.append(try labels.labels(block).map(Int64.init))
        }
    }

    /// Every depth's activations, streamed in row blocks; a run of depths
    /// the input lacks is encoded in one pass over the nearest stored depth
    /// below, each through the encoders in between. Returns those depths.
    func writeActivations(_ experiment: CheckedExperiment, saes: [SAEWeights], into writer: CanonicalWriter,
                          nonFinite: inout [String]) throws -> [Int] {
        let stored = experiment.trained.activations
        var sinks: [Int: ActivationSink] = [:]
        func sink(depth: Int, for block: [Float]) throws -> ActivationSink {
            if let made = sinks[depth] { return made }
            let density = Double(block.filter { $0 != 0 }.count) / Double(max(block.count, 1))
            let made: ActivationSink = depth >= 1 && options.sparse.useSparse(density: density) && !options.float64
                ? .sparse(try writer.sparseActivations(depth: depth, width: experiment.widths[depth]))
                : try writer.denseActivations(depth: depth, width: experiment.widths[depth], float64: options.float64)
            sinks[depth] = made
            return made
        }
        func write(_ block: [Float], depth: Int) throws {
            try sink(depth: depth, for: block).append(block, float64: options.float64)
            DebugHooks.afterBlock()
        }
        var recomputed: [Int] = []
        var depth = 0
        while depth <= experiment.depthCount {
            let missing = depth..<((depth...experiment.depthCount).first { stored[$0] != nil } ?? experiment.depthCount + 1)
            let from = missing.isEmpty ? depth : (0..<depth).last { stored[$0] != nil }!
            recomputed += missing
            let last = missing.isEmpty ? depth : missing.upperBound - 1
            if let bad = try stream(stored[from]!, { block in
                if missing.isEmpty { return try write(block, depth: depth) }
                var latents = block
                for next in (from + 1)...last {
                    latents = saes[next - 1].encode(latents, rows: latents.count / saes[next - 1].inputWidth)
                    if missing.contains(next) { try write(latents, depth: next) }
                }
            }), missing.isEmpty { nonFinite.append(bad) }
            depth = last + 1
        }
        return recomputed
    }

    /// Streams a stored depth in chunk-aligned row blocks; returns its non-finite summary.
    func stream(_ store: ActivationStore, _ body: ([Float]) throws -> Void) throws -> String? {
        let source = store.source
        var nan = 0
        var infinite = 0
        try source.forEachBlock(rows: 0..<source.rowCount, targetBytes: Self.blockBytes) { _, values in
            for value in values where !value.isFinite { if value.isNaN { nan += 1 } else { infinite += 1 } }
            try body(Array(values))
        }
        return nan + infinite > 0 ? "\(store.path): \(nan) NaN, \(infinite) Inf" : nil
    }

    /// Rows per streamed block: 8 MiB, or 64 KiB under the debug delay so
    /// small test inputs still take several blocks.
    static var blockBytes: Int { DebugHooks.blockBytes(default: 8 << 20) }

    static func nonFiniteSummary(_ values: [Float], source: String) -> String? {
        let nan = values.lazy.filter(\.isNaN).count
        let infinite = values.lazy.filter(\.isInfinite).count
        return nan + infinite > 0 ? "\(source): \(nan) NaN, \(infinite) Inf" : nil
    }
}

extension JSONEncoder {
    static var compact: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
