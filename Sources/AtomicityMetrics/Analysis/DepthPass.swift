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
    var kernel = MomentAccumulator.Kernel.auto
    var blockBytes = 16 << 20
    var stage: String

    struct Outcome {
        var moments: MomentAccumulator?
        var fri: ReconstructionIndependence?
        var ltes: TraversalEffect?
        var seconds: [String: Double] = [:]
    }

    /// One block as the I/O thread hands it over.
    struct StreamedBlock: @unchecked Sendable {
        var rows: Range<Int>
        var dense: Prefetcher.Buffer?
        var sparse: CSRBlock?
        var labels: [Int32] = []
        var base: [Float]?
    }

    func run(progress: any ProgressSink) throws -> Outcome {
        let total = source.rowCount
        let width = source.width
        var moments = wantMoments ? MomentAccumulator(width: width) : nil
        moments?.kernel = kernel
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
        let sparse = source as? SparseActivations
        let ranges = source.blockRanges(rows: 0..<rowsNeeded, targetBytes: blockBytes)
        // The I/O thread reads each block, its labels and (for FRI) its
        // depth-0 rows, while this thread computes on the previous block.
        let (source, base, labels, wantLabels, friRows) = (source, base, labels, moments != nil, fri != nil ? friRows : 0)
        let pool = Prefetcher.BufferPool()
        try Prefetcher.run(count: ranges.count, read: { index -> StreamedBlock in
            let rows = ranges[index]
            var item = StreamedBlock(rows: rows)
            if let sparse {
                item.sparse = try sparse.block(rows)
            } else {
                let buffer = pool.take()
                try source.read(rows, into: &buffer.values)
                item.dense = buffer
            }
            if wantLabels { item.labels = try labels?.labels(rows) ?? [Int32](repeating: 0, count: rows.count) }
            if rows.lowerBound < friRows { item.base = try base.rows(rows.lowerBound..<min(rows.upperBound, friRows)) }
            return item
        }) { item in
            let rows = item.rows
            if moments != nil {
                timed("moments") {
                    if let block = item.sparse {
                        moments!.add(block, labels: item.labels)
                    } else {
                        item.dense!.values.withUnsafeBufferPointer { moments!.add($0, labels: item.labels) }
                    }
                }
            }
            if let chain, rows.lowerBound < prefix {
                let friUsed = fri != nil ? max(0, min(rows.upperBound, friRows) - rows.lowerBound) : 0
                let ltesUsed = ltes != nil ? max(0, min(rows.upperBound, ltesRows) - rows.lowerBound) : 0
                if let block = item.sparse {
                    if friUsed > 0 {
                        timed("FRI") { item.base!.withUnsafeBufferPointer { fri!.add(sparse: block.rows(0..<friUsed), base: $0, chain: chain) } }
                    }
                    if ltesUsed > 0 { timed("LTES") { ltes!.add(sparse: block.rows(0..<ltesUsed), chain: chain) } }
                } else {
                    let count = max(friUsed, ltesUsed)
                    item.dense!.values.withUnsafeBufferPointer { values in
                        let latents = UnsafeBufferPointer(rebasing: values[0..<(count * width)])
                        var reconstruction = [Float](repeating: 0, count: count * chain.outputWidth)
                        BLAS.multiply(latents.baseAddress!, chain.linearFloat, into: &reconstruction,
                                      m: count, k: width, n: chain.outputWidth)
                        if friUsed > 0 {
                            timed("FRI") {
                                item.base!.withUnsafeBufferPointer { baseBuffer in
                                    fri!.add(latents: UnsafeBufferPointer(rebasing: latents[0..<(friUsed * width)]), base: baseBuffer,
                                             reconstruction: Array(reconstruction[0..<(friUsed * chain.outputWidth)]), chain: chain, rows: friUsed)
                                }
                            }
                        }
                        if ltesUsed > 0 {
                            timed("LTES") {
                                ltes!.add(latents: UnsafeBufferPointer(rebasing: latents[0..<(ltesUsed * width)]),
                                          reconstruction: Array(reconstruction[0..<(ltesUsed * chain.outputWidth)]), chain: chain, rows: ltesUsed)
                            }
                        }
                    }
                }
            }
            progress.update(stage: stage, done: rows.upperBound, total: rowsNeeded)
            if let dense = item.dense { pool.give(dense) }
        }
        moments?.settle()
        progress.finish(stage: stage)
        if let moments, moments.mean.contains(where: { !$0.isFinite }) {
            throw StoreError.nonFinite(path: "depth \(depth)", "activations contain NaN or Inf; run `metasae validate` to locate them")
        }
        return Outcome(moments: moments, fri: fri, ltes: ltes, seconds: seconds)
    }
}
