import LinearAlgebra
import ArgumentParser
import AtomicityMetrics
import Foundation
import HDF5
import MetaSAEStore

/// Benchmarks, kept out of the test suite. Each prints a machine-readable
/// line; scripts/bench-*.sh compare them with baselines in the same run.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metasae-bench",
        abstract: "Benchmarks for metasae (see BENCHMARKS.md).",
        subcommands: [MakeDense.self, MakeSparse.self, MakeCascade.self, Covariance.self, ReadThroughput.self])

    /// As `metasae` does: OpenBLAS's kernels for this CPU, no idle workers spinning on a core.
    static func main() {
        BLAS.prepare()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// Writes a synthetic canonical-style file: labels and one dense depth-0
/// activation matrix, uncompressed, in row blocks.
struct MakeDense: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "make-dense")
    @Option var rows: Int
    @Option var width: Int
    @Option var out: String
    @Option var seed: UInt64 = 1
    @Flag var gzip = false

    func run() throws {
        let (writer, labels) = try SyntheticFile.start(out, seed: seed, gzipLevel: gzip ? 4 : nil)
        var generator = SeededGenerator(seed: seed)
        let blockRows = max(1, (16 << 20) / (width * 4))
        let dataset = try writer.activations(depth: 0, width: width)
        let depth1 = try MinimalDepth(writer, depth0Width: width, seed: seed)
        var block = [Float](repeating: 0, count: blockRows * width)
        for range in Dataset.blocks(rows: rows, blockRows: blockRows) {
            let count = range.count * width
            for index in 0..<count {
                // Sparse-ish ReLU values with per-column scale, like activations.
                let value = generator.uniform(-1, 1) * Float(1 + index % 7)
                block[index] = max(0, value)
            }
            try block.withUnsafeBufferPointer { try dataset.append(UnsafeBufferPointer(rebasing: $0[0..<count])) }
            try depth1.append(Array(block[0..<count]))
            try labels.append(range.map { Int64($0 % 10) })
        }
        try depth1.finish(writer)
        try writer.commit()
        print("wrote \(out): \(rows) × \(width)")
    }
}

/// A mistyped kernel is a usage error, not a silent `auto`.
extension MomentAccumulator.Kernel: ExpressibleByArgument {}

/// Streams one depth through the moment accumulator (class means and
/// co-moments, the work of CSP and ODM) and reports throughput and peak RSS.
struct Covariance: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cov")
    @Argument var file: String
    @Option var depth = 0
    @Option var blockMegabytes = 16
    @Option(help: "dense: the dense dataset; sparse: the CSR form (default: CSR when present)")
    var form: String?
    @Option(help: "auto, dense or sparse")
    var kernel = MomentAccumulator.Kernel.auto

    func run() throws {
        let experiment = try CanonicalFile(path: file).checked()
        guard experiment.widths.indices.contains(depth), let store = experiment.trained.activations[depth] else {
            throw ValidationError("the file has depths 0…\(experiment.depthCount)")
        }
        guard let source: any RowBlockSource = form == "dense" ? store.dense : store.source else {
            throw ValidationError("depth \(depth) has no dense dataset")
        }
        let labels = experiment.labels
        let start = Date()
        let moments = try AtomicityAnalysis.moments(of: source, labels: labels, blockBytes: blockMegabytes << 20,
                                                    kernel: kernel)
        let seconds = Date().timeIntervalSince(start)
        let odm = AtomicityFormulas.offDiagonalMass(moments)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let rate = Double(source.rowCount) / seconds
        print(String(format: "cov form=%@ kernel=%@ rows=%d width=%d seconds=%.3f rows_per_s=%.0f peak_rss_mb=%.1f odm=%.10f",
                     source is SparseActivations ? "sparse" : "dense", kernel.rawValue,
                     source.rowCount, source.width, seconds, rate, Double(usage.ru_maxrss) / 1024, odm))
    }
}

/// The common start of a synthetic benchmark file: the writer and a
/// growable labels dataset (row i gets label i mod 10).
enum SyntheticFile {
    static func start(_ path: String, seed: UInt64, gzipLevel: Int?) throws -> (CanonicalWriter, Dataset) {
        let writer = try CanonicalWriter(destination: path, source: "metasae-bench", seed: Int(seed), toolVersion: "bench")
        writer.gzipLevel = gzipLevel
        let labels = try writer.rootGroup.createDataset(
            CanonicalPaths.labels, of: Int64.self, shape: [0], options: DatasetOptions(chunkDims: [1 << 16], maxDims: [nil]))
        return (writer, labels)
    }
}

/// The SAE depth a canonical file must have, at the least cost: one ReLU
/// latent on depth 0 (a random SAE), its codes stored dense beside the
/// depth-0 rows the benchmark is about.
struct MinimalDepth {
    let sae: SAEWeights
    let codes: Dataset

    init(_ writer: CanonicalWriter, depth0Width: Int, seed: UInt64) throws {
        sae = RandomCascade.cascade(widths: [depth0Width, 1], seed: seed)[0]
        codes = try writer.activations(depth: 1, width: 1)
    }

    /// Encodes and stores a block of depth-0 rows.
    func append(_ rows: [Float]) throws {
        try sae.encode(rows, rows: rows.count / sae.inputWidth).withUnsafeBufferPointer { try codes.append($0) }
    }

    func finish(_ writer: CanonicalWriter) throws { try writer.writeSAE(depth: 1, sae) }
}

/// Sparse ReLU latents with about `l0` active of `width` per row, written
/// as the CSR form (and, with --dense, also as the dense dataset), for
/// comparing the two paths on the same data.
struct MakeSparse: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "make-sparse")
    @Option var rows: Int
    @Option var width: Int
    @Option var l0: Int
    @Option var out: String
    @Option var seed: UInt64 = 1
    @Flag var dense = false

    func run() throws {
        let (writer, labels) = try SyntheticFile.start(out, seed: seed, gzipLevel: nil)
        var generator = SeededGenerator(seed: seed)
        let sparse = try writer.sparseActivations(depth: 0, width: width)
        let denseDataset = dense ? try writer.activations(depth: 0, width: width) : nil
        let depth1 = try MinimalDepth(writer, depth0Width: width, seed: seed)
        let blockRows = 8_192
        for range in Dataset.blocks(rows: rows, blockRows: blockRows) {
            var offsets = [0]
            var indices: [Int32] = []
            var values: [Float] = []
            for _ in range {
                // l0 distinct columns, sorted.
                var columns = Set<Int32>()
                while columns.count < l0 { columns.insert(Int32(generator.next() % UInt64(width))) }
                for column in columns.sorted() {
                    indices.append(column)
                    values.append(generator.uniform(0.01, 2) * Float(1 + Int(column) % 5))
                }
                offsets.append(indices.count)
            }
            let block = CSRBlock(width: width, offsets: offsets, indices: indices, values: values)
            let densified = block.densified()
            try sparse.append(block)
            try denseDataset?.append(densified)
            try depth1.append(densified)
            try labels.append(range.map { Int64($0 % 10) })
        }
        try depth1.finish(writer)
        try writer.commit()
        print("wrote \(out): \(rows) × \(width), L0 \(l0)" + (dense ? ", dense and CSR" : ", CSR"))
    }
}

/// Streams a dataset's rows and does nothing else: the read throughput.
struct ReadThroughput: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "read")
    @Argument var file: String
    @Option var dataset = CanonicalPaths.activations(0)
    @Option var blockMegabytes = 16

    func run() throws {
        let data = try File.open(file).root.dataset(dataset)
        let start = Date()
        var checksum: Float = 0
        var bytes = 0
        try data.forEachRowBlock(as: Float.self, targetBytes: blockMegabytes << 20) { _, values in
            checksum += values[0]
            bytes += values.count * 4
        }
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "read bytes=%d seconds=%.3f mb_per_s=%.1f checksum=%g", bytes, seconds, Double(bytes) / seconds / 1e6, checksum))
    }
}

/// A canonical file with a whole cascade, for timing analyses at sizes the
/// default run does not reach: dense ReLU depth 0, then each depth a random
/// SAE with TopK codes (stored as the CSR form) applied to the one below.
/// `--dense-out` writes the same cascade with every depth dense, in the same
/// pass, for comparing the two paths on identical values.
struct MakeCascade: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "make-cascade")
    @Option var rows: Int
    @Option(help: "Widths of depths 0…D, e.g. 256,512,512,256.") var widths: String
    @Option(help: "Active latents per row at every SAE depth.") var k: Int = 16
    @Option var out: String
    @Option(help: "Also write the cascade with dense SAE depths here.") var denseOut: String?
    @Option var seed: UInt64 = 1

    /// One file being written: its writer, labels and a sink per depth.
    struct Target {
        let writer: CanonicalWriter
        let labels: Dataset
        let base: Dataset
        let append: [(CSRBlock, [Float]) throws -> Void]

        init(_ path: String, widths: [Int], seed: UInt64, sparse: Bool) throws {
            (writer, labels) = try SyntheticFile.start(path, seed: seed, gzipLevel: nil)
            base = try writer.activations(depth: 0, width: widths[0])
            let writer = writer
            append = try (1..<widths.count).map { depth in
                if sparse {
                    let sink = try writer.sparseActivations(depth: depth, width: widths[depth])
                    return { block, _ in try sink.append(block) }
                }
                let dataset = try writer.activations(depth: depth, width: widths[depth])
                return { _, values in try values.withUnsafeBufferPointer { try dataset.append($0) } }
            }
        }
    }

    func run() throws {
        let widths = self.widths.split(separator: ",").compactMap { Int($0) }
        guard widths.count >= 2, widths.allSatisfy({ $0 > 0 }) else { throw ValidationError("--widths needs at least two positive widths") }
        var saes = RandomCascade.cascade(widths: widths, seed: seed)
        for index in saes.indices { saes[index].activation = .topK(k) }
        let targets = try [Target(out, widths: widths, seed: seed, sparse: true)]
            + (denseOut.map { [try Target($0, widths: widths, seed: seed, sparse: false)] } ?? [])
        var generator = SeededGenerator(seed: seed &+ 1)
        for range in Dataset.blocks(rows: rows, blockRows: 8_192) {
            var values = (0..<(range.count * widths[0])).map { index in max(0, generator.normal() + 0.3) * Float(1 + index % 5) }
            let labels = range.map { Int64($0 % 10) } as [Int64]
            for target in targets {
                try values.withUnsafeBufferPointer { try target.base.append($0) }
                try target.labels.append(labels)
            }
            for (depth, sae) in saes.enumerated() {
                values = sae.encode(values, rows: range.count)
                let block = values.withUnsafeBufferPointer { CSRBlock(dense: $0, width: sae.latentWidth) }
                for target in targets { try target.append[depth](block, values) }
            }
        }
        for target in targets {
            for (index, sae) in saes.enumerated() { try target.writer.writeSAE(depth: index + 1, sae) }
            try target.writer.commit()
        }
        print("wrote \(out)\(denseOut.map { " and \($0) (dense)" } ?? ""): \(rows) rows, widths \(widths), TopK k = \(k) at every SAE depth")
    }
}
