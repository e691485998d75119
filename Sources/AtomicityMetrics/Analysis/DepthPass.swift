import LinearAlgebra
import Foundation
import MetaSAEStore

/// One streamed pass over a depth's activations, updating every accumulator
/// that depth needs: class means and co-moments (CSP, ODM) over all rows,
/// FRI and LTES over their leading examples. Memory is one block plus
/// O(F²) state.
struct DepthPass {
    var depth: Int
    var source: any RowBlockSource
    /// Depth-0 activations, for FRI's residuals.
    var base: any RowBlockSource
    var labels: LabelReader?
    /// Present for depths ≥ 1 when FRI or LTES is wanted.
    var chain: DecoderChain?
    var friRows = 0
    var ltesRows = 0
    var ltesMinimumActive = 10
    var wantMoments = true
    var blockBytes = 16 << 20
    var stage: String

    struct Outcome {
        var moments: MomentAccumulator?
        var fri: ReconstructionIndependence?
        var ltes: TraversalEffect?
        var seconds: [String: Double] = [:]
    }

    func run(progress: any ProgressSink) throws -> Outcome {
        let total = source.rowCount
        let width = source.width
        var moments = wantMoments ? MomentAccumulator(width: width) : nil
        var fri = chain != nil && friRows > 0 ? ReconstructionIndependence() : nil
        var ltes = chain.flatMap { ltesRows > 0 ? TraversalEffect(chain: $0) : nil }
        var seconds: [String: Double] = [:]
        func timed(_ key: String, _ body: () -> Void) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            seconds[key, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        // Moments need every row; the probes only their prefixes.
        let prefix = max(fri != nil ? friRows : 0, ltes != nil ? ltesRows : 0)
        let rowsNeeded = moments != nil ? total : prefix
        func labelsOf(_ rows: Range<Int>) throws -> [Int32] {
            try labels?.labels(rows) ?? [Int32](repeating: 0, count: rows.count)
        }
        if let sparse = source as? SparseActivations {
            // Compressed rows: sparse kernels throughout, only stored latents touched.
            try sparse.forEachSparseBlock(rows: 0..<rowsNeeded, targetBytes: blockBytes) { rows, block in
                if moments != nil {
                    let blockLabels = try labelsOf(rows)
                    timed("moments") { moments!.add(block, labels: blockLabels) }
                }
                if let chain, rows.lowerBound < prefix {
                    if fri != nil, rows.lowerBound < friRows {
                        let used = min(rows.upperBound, friRows) - rows.lowerBound
                        let baseRows = try base.rows(rows.lowerBound..<(rows.lowerBound + used))
                        timed("FRI") { baseRows.withUnsafeBufferPointer { fri!.add(sparse: block.rows(0..<used), base: $0, chain: chain) } }
                    }
                    if ltes != nil, rows.lowerBound < ltesRows {
                        let used = min(rows.upperBound, ltesRows) - rows.lowerBound
                        timed("LTES") { ltes!.add(sparse: block.rows(0..<used), chain: chain) }
                    }
                }
                progress.update(stage: stage, done: rows.upperBound, total: rowsNeeded)
            }
        } else {
            try source.forEachBlock(rows: 0..<rowsNeeded, targetBytes: blockBytes) { rows, values in
                if moments != nil {
                    let blockLabels = try labelsOf(rows)
                    timed("moments") { moments!.add(values, labels: blockLabels) }
                }
                if let chain, rows.lowerBound < prefix {
                    let count = min(rows.upperBound, prefix) - rows.lowerBound
                    let latents = UnsafeBufferPointer(rebasing: values[0..<(count * width)])
                    var reconstruction = [Float](repeating: 0, count: count * chain.outputWidth)
                    BLAS.multiply(latents.baseAddress!, chain.linearFloat, into: &reconstruction,
                                  m: count, k: width, n: chain.outputWidth)
                    if fri != nil, rows.lowerBound < friRows {
                        let used = min(rows.upperBound, friRows) - rows.lowerBound
                        let baseRows = try base.rows(rows.lowerBound..<(rows.lowerBound + used))
                        timed("FRI") {
                            baseRows.withUnsafeBufferPointer { baseBuffer in
                                fri!.add(latents: UnsafeBufferPointer(rebasing: latents[0..<(used * width)]), base: baseBuffer,
                                         reconstruction: Array(reconstruction[0..<(used * chain.outputWidth)]), chain: chain, rows: used)
                            }
                        }
                    }
                    if ltes != nil, rows.lowerBound < ltesRows {
                        let used = min(rows.upperBound, ltesRows) - rows.lowerBound
                        timed("LTES") {
                            ltes!.add(latents: UnsafeBufferPointer(rebasing: latents[0..<(used * width)]),
                                      reconstruction: Array(reconstruction[0..<(used * chain.outputWidth)]), chain: chain, rows: used)
                        }
                    }
                }
                progress.update(stage: stage, done: rows.upperBound, total: rowsNeeded)
            }
        }
        progress.finish(stage: stage)
        if let moments, moments.mean.contains(where: { !$0.isFinite }) {
            throw StoreError.nonFinite(path: "depth \(depth)", "activations contain NaN or Inf; run `metasae validate` to locate them")
        }
        return Outcome(moments: moments, fri: fri, ltes: ltes, seconds: seconds)
    }
}
