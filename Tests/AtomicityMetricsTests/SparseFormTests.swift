import Foundation
import TestSupport
import HDF5
import LinearAlgebra
import Testing
@testable import AtomicityMetrics
@testable import MetaSAEStore

/// The compressed-row form gives the same numbers as the dense form, and
/// malformed CSR is refused clearly.
@Suite struct SparseFormTests {
    /// A cascade whose latents are very sparse (so the sparse kernels run),
    /// with an empty row, a row with every latent active, and optionally a
    /// depth with no stored values at all.
    static func cascade(rows: Int = 400, widths: [Int] = [12, 48, 40], zeroDepth: Int? = nil, seed: UInt64 = 21)
        -> (activations: [[Float]], saes: [SAEWeights], labels: [Int64]) {
        var generator = SeededGenerator(seed: seed)
        let saes = (1..<widths.count).map { RandomCascade.sae(inputWidth: widths[$0 - 1], latentWidth: widths[$0], generator: &generator) }
        let activations: [[Float]] = widths.enumerated().map { depth, width in
            (0..<rows).flatMap { row -> [Float] in
                if depth == zeroDepth || (depth >= 1 && row == 5) { return [Float](repeating: 0, count: width) }
                if depth >= 1 && row == 6 { return (0..<width).map { _ in 0.1 + abs(generator.normal()) } }
                let density: Float = depth == 0 ? 0.6 : 0.03
                return (0..<width).map { _ in generator.uniform(0, 1) < density ? abs(generator.normal()) + 1e-3 : 0 }
            }
        }
        return (activations, saes, (0..<rows).map { Int64($0 % 9) })  // class 9 empty
    }

    static func write(_ data: (activations: [[Float]], saes: [SAEWeights], labels: [Int64]), to path: String, sparse: Bool) throws {
        let writer = try CanonicalWriter(destination: path, toolVersion: "test")
        try writer.writeLabels(data.labels)
        for (depth, values) in data.activations.enumerated() {
            let width = depth == 0 ? data.saes[0].inputWidth : data.saes[depth - 1].latentWidth
            if sparse && depth >= 1 {
                let sink = try writer.sparseActivations(depth: depth, width: width)
                for block in Dataset.blocks(rows: values.count / width, blockRows: 37) {
                    try sink.append(dense: Array(values[(block.lowerBound * width)..<(block.upperBound * width)]))
                }
            } else {
                try writer.activations(depth: depth, width: width).append(values)
            }
            if depth >= 1 { try writer.writeSAE(depth: depth, data.saes[depth - 1]) }
        }
        try writer.commit()
    }

    static func folder() throws -> URL { try TestSupport.scratch() }

    @Test(arguments: [nil, 2] as [Int?])
    func denseAndSparseFormsGiveEqualMetrics(zeroDepth: Int?) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = Self.cascade(zeroDepth: zeroDepth)
        let dense = folder.appendingPathComponent("dense.h5").path
        let sparse = folder.appendingPathComponent("sparse.h5").path
        try Self.write(data, to: dense, sparse: false)
        try Self.write(data, to: sparse, sparse: true)
        #expect(SchemaValidator().validate(try CanonicalFile(path: sparse)).conforms)
        let configure: (inout AnalysisSettings) -> Void = { $0.friExamples = .all; $0.ltesExamples = .all }
        let a = try analyze(dense, configure: configure)
        let b = try analyze(sparse, configure: configure)
        expectSameMetrics(b, a, relative: 1e-6, "sparse vs dense")
        expectSameDiagnostics(b, a, relative: 1e-6, "sparse vs dense")
        expectSameFeatures(b.features, a.features, "sparse vs dense")
        #expect(a.depths.allSatisfy { $0.diagnostics != nil })
        for (x, y) in zip(a.depths, b.depths) {
            #expect(x.friExamplesUsed == y.friExamplesUsed && x.ltesLatentsUsed == y.ltesLatentsUsed)
        }
        if let zeroDepth {
            let row = try #require(b.depths.first { $0.depth == zeroDepth })
            #expect(row.FRI == -.infinity && row.LTES == 0 && row.CSP == 0)
        }
    }

    /// The sparse kernel against a two-pass Float64 covariance, at 2% density.
    @Test func sparseKernelMatchesTwoPassCovariance() {
        var generator = SeededGenerator(seed: 5)
        let (rows, width) = (700, 300)
        let data = (0..<(rows * width)).map { _ in generator.uniform(0, 1) < 0.02 ? generator.normal() * 3 + 1 : 0 }
        let labels = (0..<rows).map { Int32($0 % 10) }
        var moments = MomentAccumulator(width: width)
        for block in Dataset.blocks(rows: rows, blockRows: 250) {
            let slice = Array(data[(block.lowerBound * width)..<(block.upperBound * width)])
            slice.withUnsafeBufferPointer { moments.add(CSRBlock(dense: $0, width: width), labels: Array(labels[block])) }
        }
        #expect(moments.pendingCount == rows)
        moments.settle()
        #expect(moments.pendingCount == 0 && moments.count == rows)
        let values = data.map(Double.init)
        let means = (0..<width).map { column in stride(from: column, to: values.count, by: width).map { values[$0] }.reduce(0, +) / Double(rows) }
        for (i, j) in [(0, 0), (3, 7), (10, 299), (150, 151), (299, 299)] {
            var expected = 0.0
            for row in 0..<rows { expected += (values[row * width + i] - means[i]) * (values[row * width + j] - means[j]) }
            #expect(close(moments.comoment[i * width + j], expected, relative: 1e-9, absolute: 1e-9), "(\(i), \(j))")
        }
    }

    /// Writes indptr / indices / values by hand, for malformed forms.
    static func writeRaw(_ path: String, indptr: [Int64], indices: [Int32], values: [Float], width: Int) throws {
        let data = Self.cascade(rows: indptr.count - 1, widths: [4, width])
        let writer = try CanonicalWriter(destination: path, toolVersion: "test")
        try writer.writeLabels(data.labels)
        try writer.activations(depth: 0, width: 4).append(data.activations[0])
        try writer.writeSAE(depth: 1, data.saes[0])
        try writer.activations(depth: 1, width: width).append(data.activations[1])
        try writer.commit()
        // The malformed form is added after the writer's own check.
        let group = try File.open(path, mode: .readWrite).root.createGroup("depths/1/sparse")
        try group.writeDataset("indptr", indptr, shape: [indptr.count])
        try group.writeDataset("indices", indices, shape: [indices.count])
        try group.writeDataset("values", values, shape: [values.count])
        try group.setAttribute("shape", [Int64(indptr.count - 1), Int64(width)])
    }

    static func sparse(at path: String) throws -> SparseActivations {
        try #require(try CanonicalFile(path: path).checked().trained.activations[1]?.sparse)
    }

    @Test func unsortedIndicesAreSortedOnRead() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("unsorted.h5").path
        try Self.writeRaw(path, indptr: [0, 3, 3, 5], indices: [4, 1, 2, 0, 5], values: [4, 1, 2, 10, 50], width: 6)
        let block = try Self.sparse(at: path).block(0..<3)
        #expect(block.indices == [1, 2, 4, 0, 5])
        #expect(block.values == [1, 2, 4, 10, 50])
        #expect(block.densified() == [0, 1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 50])
    }

    /// Entries out of place are found while streaming (by the reader
    /// `analyze` uses); metadata that disagrees, by the checker.
    @Test(arguments: [
        ([0, 3, 2, 5], [0, 1, 2, 3, 4], 5, "indptr decreases at row 1", false),
        ([0, 2, 3, 5], [0, 1, 9, 3, 4], 5, "index 9 in row 1 is outside 0..<6", false),
        ([0, 2, 3, 5], [1, 1, 2, 3, 4], 5, "index 1 appears twice in row 0", false),
        ([0, 2, 3, 5], [0, 1, 2, 3, 4], 4, "dimension 0 is 4, expected nnz = 5", true),
        ([0, 2, 3, 7], [0, 1, 2, 3, 4], 5, "runs from 0 to 7; it must run from 0 to nnz = 5", true),
    ] as [([Int64], [Int32], Int, String, Bool)])
    func malformedCSRIsRefusedClearly(indptr: [Int64], indices: [Int32], valueCount: Int, message: String, metadata: Bool) throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bad.h5").path
        try Self.writeRaw(path, indptr: indptr, indices: indices, values: [Float](repeating: 1, count: valueCount), width: 6)
        if metadata {
            let error = #expect(throws: CheckFailure.self) { try CanonicalFile(path: path).checked() }
            #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        } else {
            let error = #expect(throws: StoreError.self) { _ = try Self.sparse(at: path).block(0..<3) }
            #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        }
        // validate refuses the same thing, with the same words.
        let violations = SchemaValidator().validate(try CanonicalFile(path: path)).violations
        #expect(violations.contains { $0.check == "csr_structure" && $0.message.contains(message) }, "\(violations)")
    }
}
