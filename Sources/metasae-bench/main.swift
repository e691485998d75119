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
        subcommands: [MakeDense.self, Covariance.self])
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
        let writer = try CanonicalWriter(destination: out, source: "metasae-bench", seed: Int(seed), toolVersion: "bench")
        writer.gzipLevel = gzip ? 4 : nil
        var generator = SeededGenerator(seed: seed)
        let blockRows = max(1, (16 << 20) / (width * 4))
        let labels = try writer.rootGroup.createDataset(
            CanonicalPaths.labels, of: Int64.self, shape: [0],
            options: DatasetOptions(chunkDims: [1 << 16], maxDims: [nil]))
        let dataset = try writer.activations(depth: 0, width: width)
        var block = [Float](repeating: 0, count: blockRows * width)
        for range in Dataset.blocks(rows: rows, blockRows: blockRows) {
            let count = range.count * width
            for index in 0..<count {
                // Sparse-ish ReLU values with per-column scale, like activations.
                let value = generator.uniform(-1, 1) * Float(1 + index % 7)
                block[index] = max(0, value)
            }
            try block.withUnsafeBufferPointer { try dataset.append(UnsafeBufferPointer(rebasing: $0[0..<count])) }
            try labels.append(range.map { Int64($0 % 10) })
        }
        try writer.commit()
        print("wrote \(out): \(rows) × \(width)")
    }
}

/// Streams one depth through the moment accumulator (class means and
/// co-moments, the work of CSP and ODM) and reports throughput and peak RSS.
struct Covariance: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cov")
    @Argument var file: String
    @Option var depth = 0
    @Option var blockMegabytes = 16

    func run() throws {
        let canonical = try CanonicalFile(path: file)
        let source = try canonical.preferredActivationSource(depth: depth)
        let labels = try canonical.labelReader()
        let start = Date()
        let moments = try AtomicityAnalysis.moments(of: source, labels: labels, blockBytes: blockMegabytes << 20)
        let seconds = Date().timeIntervalSince(start)
        let odm = AtomicityFormulas.offDiagonalMass(moments)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let rate = Double(source.rowCount) / seconds
        print(String(format: "cov rows=%d width=%d seconds=%.3f rows_per_s=%.0f peak_rss_mb=%.1f odm=%.10f",
                     source.rowCount, source.width, seconds, rate, Double(usage.ru_maxrss) / 1024, odm))
    }
}
