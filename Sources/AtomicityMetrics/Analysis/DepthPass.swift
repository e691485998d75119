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
    var wantMoments = true
    var kernel = MomentAccumulator.Kernel.auto
    var nonFinitePolicy = NonFinitePolicy.refuse
    /// Processes sharing this pass; this one streams only its share of rows.
    var exchange: any PartialStateExchange = SingleProcess()
    var blockBytes = 16 << 20
    var stage: String
    /// The trained cascade's diagnostics, when wanted (with the moments).
    var diagnostics: DiagnosticInputs?
    /// Top examples per latent for the feature browser (0: none), with the moments.
    var featureExamples = 0

    /// What a pass returns: its merged accumulators.
    typealias Outcome = Accumulators

    /// Exchanges this process's partial states with the others and merges
    /// all of them in rank order, so every process ends with the same totals.
    func combine(_ state: inout Accumulators) throws {
        var local: [Double] = [Double(state.nonFiniteValues), Double(state.nonFiniteRows)]
        if let moments = state.moments { local += moments.encoded() }
        if let activity = state.activity { local += activity.encoded() }
        if let fri = state.fri { local += fri.encoded() }
        if let ltes = state.ltes { local += ltes.encoded() }
        if let diagnostics = state.diagnostics { local += diagnostics.encoded() }
        if let features = state.features { local += features.encoded() }
        var totals = Accumulators()
        totals.diagnostics = state.diagnostics?.empty
        let width = source.width
        try exchange.allGather(local) { buffer in
            var cursor = 2
            totals.nonFiniteValues += Int(buffer[0])
            totals.nonFiniteRows += Int(buffer[1])
            if state.moments != nil {
                let part = MomentAccumulator(encoded: buffer[cursor...])
                cursor += MomentAccumulator.encodedCount(width: width)
                if totals.moments == nil { totals.moments = part } else { totals.moments!.merge(part) }
            }
            if state.activity != nil {
                let part = ActivityCount(encoded: buffer[cursor...], width: width)
                cursor += ActivityCount.encodedCount(width: width)
                if totals.activity == nil { totals.activity = part } else { totals.activity!.merge(part) }
            }
            if state.fri != nil {
                let part = ReconstructionIndependence(encoded: buffer[cursor...])
                cursor += ReconstructionIndependence.encodedCount
                if totals.fri == nil { totals.fri = part } else { totals.fri!.merge(part) }
            }
            if let chain, state.ltes != nil {
                if totals.ltes == nil { totals.ltes = TraversalEffect(chain: chain) }
                totals.ltes!.merge(encoded: buffer[cursor...])
                cursor += TraversalEffect.encodedCount(width: chain.latentWidth)
            }
            if let diagnostics = state.diagnostics {
                totals.diagnostics!.merge(encoded: buffer[cursor...])
                cursor += diagnostics.encodedCount()
            }
            if state.features != nil {
                let part = FeatureState(encoded: buffer[cursor...], width: width, examples: featureExamples)
                cursor += FeatureState.encodedCount(width: width, examples: featureExamples)
                if totals.features == nil { totals.features = part } else { totals.features!.merge(part) }
            }
        }
        totals.seconds = state.seconds
        state = totals
    }

    /// The given rows of a row-major block, in order.
    static func gather(_ values: [Float], rows: [Int], width: Int) -> [Float] {
        var result: [Float] = []
        result.reserveCapacity(rows.count * width)
        for row in rows { result.append(contentsOf: values[(row * width)..<((row + 1) * width)]) }
        return result
    }

    /// One block as the I/O thread hands it over.
    struct StreamedBlock: @unchecked Sendable {
        var rows: Range<Int>
        var dense: Prefetcher.Buffer?
        var sparse: CSRBlock?
        var labels: [Int32] = []
        /// The same rows of depth 0, in a pooled buffer: a block sized for a
        /// sparse depth can be large at depth 0's width, and a fresh array
        /// each block would fault its pages in again.
        var baseBuffer: Prefetcher.Buffer?
        var base: [Float]? { baseBuffer?.values }
        /// Positions of `base`'s rows holding NaN or ±Inf, found once on the I/O thread.
        var badBase: Set<Int> = []
        /// The same rows one depth below (adjacent-depth correlations), and
        /// the positions of its rows holding NaN or ±Inf.
        var lower: CrossMoment.Lower?
        var badLower: Set<Int> = []
    }

    /// The accumulators one pass updates.
    struct Accumulators {
        var moments: MomentAccumulator?
        /// Over the same rows as the moments.
        var activity: ActivityCount?
        var fri: ReconstructionIndependence?
        var ltes: TraversalEffect?
        var diagnostics: DiagnosticState?
        var features: FeatureState?
        var seconds: [String: Double] = [:]
        var nonFiniteValues = 0
        var nonFiniteRows = 0
        /// Rows left out (with `--nonfinite exclude`), set once the pass ends.
        var excludedRows = 0
    }

    /// Seconds `body` takes.
    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    func run(progress: any ProgressSink) throws -> Outcome {
        var state = Accumulators(
            moments: wantMoments ? MomentAccumulator(width: source.width) : nil,
            activity: wantMoments ? ActivityCount(width: source.width) : nil,
            fri: chain != nil && friRows > 0 ? ReconstructionIndependence() : nil,
            ltes: chain.flatMap { ltesRows > 0 ? TraversalEffect(chain: $0) : nil })
        state.moments?.kernel = kernel
        // Moments need every row; the probes only their prefixes.
        let prefix = max(state.fri != nil ? friRows : 0, state.ltes != nil ? ltesRows : 0)
        let rowsNeeded = state.moments != nil ? source.rowCount : prefix
        let share = exchange.share(of: rowsNeeded, alignment: source.rowAlignment)
        if let diagnostics, state.moments != nil {
            state.diagnostics = DiagnosticState(inputs: diagnostics, width: source.width, firstRow: share.lowerBound)
        }
        if featureExamples > 0, state.moments != nil {
            state.features = FeatureState(width: source.width, examples: featureExamples)
        }
        let fidelity = state.diagnostics?.fidelity != nil
        var ranges = source.blockRanges(rows: share, targetBytes: blockBytes)
        // Every block then carries depth 0's rows too: keep those near the
        // target as well (a block sized for sparse latents can be far more
        // rows than one of depth 0's), so the pooled buffers stay few and warm.
        if fidelity { ranges = ranges.flatMap { base.blockRanges(rows: $0, targetBytes: blockBytes) } }
        let (pool, basePool) = (Prefetcher.BufferPool(), Prefetcher.BufferPool())
        let reader = blockReader(ranges: ranges, pool: pool, basePool: basePool, labels: state.moments != nil,
                                 baseRows: fidelity ? rowsNeeded : (state.fri != nil ? friRows : 0),
                                 lower: state.diagnostics?.cross != nil ? diagnostics?.previous : nil)
        // The I/O thread reads each block while this thread computes on the previous one.
        try Prefetcher.run(count: ranges.count, read: reader) { item in
            defer {
                progress.update(stage: stage, done: item.rows.upperBound, total: rowsNeeded)
                if let dense = item.dense { pool.give(dense) }
                if let buffer = item.baseBuffer { basePool.give(buffer) }
            }
            // Rows with NaN / ±Inf: counted always; refused or left out by policy.
            let scan = item.sparse.map(NonFiniteRows.find(sparse:)) ?? NonFiniteRows.find(dense: item.dense!.values, width: source.width)
            state.nonFiniteValues += scan.values
            state.nonFiniteRows += scan.rows.count
            // Once refusing, keep counting to report the total, accumulate nothing.
            guard nonFinitePolicy == .exclude || state.nonFiniteValues == 0 else { return }
            let excluded = Set(scan.rows)
            let metrics = {
                addMoments(item, excluding: excluded, to: &state)
                if state.features != nil {
                    let elapsed = Self.seconds { addFeatures(item, excluding: excluded, to: &state.features!) }
                    state.seconds["features", default: 0] += elapsed
                }
            }
            if var diagnostics = state.diagnostics {
                // The diagnostics' per-row work runs beside the moments' on other threads:
                // at compressed depths it is the larger part, so the cross-moments get a third.
                state.diagnostics = nil
                var cross = diagnostics.cross
                diagnostics.cross = nil
                var (elapsed, crossElapsed) = (0.0, 0.0)
                Concurrently.run(
                    metrics,
                    { elapsed = Self.seconds { addDiagnostics(item, excluding: excluded, to: &diagnostics) } },
                    { crossElapsed = Self.seconds { addCorrelations(item, excluding: excluded, to: &cross) } })
                diagnostics.cross = cross
                state.diagnostics = diagnostics
                state.seconds["diagnostics", default: 0] += max(elapsed, crossElapsed)
            } else {
                metrics()
            }
            if item.rows.lowerBound < prefix { addProbes(item, excluding: excluded, to: &state) }
        }
        state.moments?.settle()
        if exchange.size > 1 {
            try combine(&state)
        }
        if state.nonFiniteValues > 0 && nonFinitePolicy == .refuse {
            throw StoreError.nonFinite(path: "depth \(depth)",
                "\(state.nonFiniteValues) NaN or infinite activation value(s) in \(state.nonFiniteRows) row(s); pass --nonfinite exclude to leave those rows out")
        }
        progress.finish(stage: stage)
        state.excludedRows = nonFinitePolicy == .exclude ? state.nonFiniteRows : 0
        return state
    }

    /// What the I/O thread does for block `index`: its rows (dense into a
    /// pooled buffer, or sparse), its labels when moments need them, and
    /// the depth-0 rows FRI's residuals need.
    func blockReader(
        ranges: [Range<Int>], pool: Prefetcher.BufferPool, basePool: Prefetcher.BufferPool, labels wantLabels: Bool, baseRows: Int, lower: (any RowBlockSource)?
    ) -> @Sendable (Int) throws -> StreamedBlock {
        let (source, base, labels) = (source, base, labels)
        let sparse = source as? SparseActivations
        let lowerIsBase = depth == 1
        return { index in
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
            if rows.lowerBound < baseRows {
                let buffer = basePool.take()
                try base.read(rows.lowerBound..<min(rows.upperBound, baseRows), into: &buffer.values)
                item.baseBuffer = buffer
                item.badBase = Set(NonFiniteRows.find(dense: buffer.values, width: base.width).rows)
            }
            if let lower {
                // Depth 1's lower depth is depth 0: the rows just read for FVU₀ when they cover the block.
                if lowerIsBase, let values = item.base, values.count == rows.count * base.width {
                    item.lower = .dense(values)
                    item.badLower = item.badBase
                } else {
                    item.lower = try DepthPass.lowerBlock(lower, rows: rows)
                    item.badLower = Set(CrossMoment.nonFiniteRows(item.lower!, width: lower.width))
                }
            }
            return item
        }
    }

    /// Class means and co-moments over the block's rows, minus excluded ones.
    func addMoments(_ item: StreamedBlock, excluding excluded: Set<Int>, to state: inout Accumulators) {
        guard state.moments != nil else { return }
        // The block itself unless rows are left out; then a copy of the others.
        let kept = excluded.isEmpty ? nil : (0..<item.labels.count).filter { !excluded.contains($0) }
        let labels = kept.map { $0.map { item.labels[$0] } } ?? item.labels
        let width = source.width
        let elapsed = Self.seconds {
            if let block = item.sparse {
                let rows = kept.map(block.rows) ?? block
                state.moments!.add(rows, labels: labels)
                state.activity?.add(rows)
            } else {
                let values = kept.map { Self.gather(item.dense!.values, rows: $0, width: width) } ?? item.dense!.values
                values.withUnsafeBufferPointer {
                    state.moments!.add($0, labels: labels)
                    state.activity?.add($0, rows: labels.count)
                }
            }
        }
        state.seconds["moments", default: 0] += elapsed
    }

    /// The feature browser's share of one block, minus excluded rows.
    func addFeatures(_ item: StreamedBlock, excluding excluded: Set<Int>, to state: inout FeatureState) {
        if let block = item.sparse {
            state.add(block, firstRow: item.rows.lowerBound, excluded: excluded)
        } else {
            item.dense!.values.withUnsafeBufferPointer {
                state.add($0, rows: item.rows.count, firstRow: item.rows.lowerBound, excluded: excluded)
            }
        }
    }

    /// FRI and LTES over the block's share of their leading examples, minus
    /// excluded rows (and, for FRI, rows whose depth-0 activations are not finite).
    func addProbes(_ item: StreamedBlock, excluding excluded: Set<Int>, to state: inout Accumulators) {
        guard let chain else { return }
        let rows = item.rows
        let friUsed = state.fri != nil ? max(0, min(rows.upperBound, friRows) - rows.lowerBound) : 0
        let ltesUsed = state.ltes != nil ? max(0, min(rows.upperBound, ltesRows) - rows.lowerBound) : 0
        let badBase = item.badBase
        let friSelection = (0..<friUsed).filter { !excluded.contains($0) && !badBase.contains($0) }
        let ltesSelection = (0..<ltesUsed).filter { !excluded.contains($0) }
        if let block = item.sparse {
            if !friSelection.isEmpty {
                let baseRows = Self.gather(item.base!, rows: friSelection, width: base.width)
                let latents = block.rows(friSelection)
                let elapsed = Self.seconds { baseRows.withUnsafeBufferPointer { state.fri!.add(sparse: latents, base: $0, chain: chain) } }
                state.seconds["FRI", default: 0] += elapsed
            }
            if !ltesSelection.isEmpty {
                let latents = block.rows(ltesSelection)
                let elapsed = Self.seconds { state.ltes!.add(sparse: latents, chain: chain) }
                state.seconds["LTES", default: 0] += elapsed
            }
            return
        }
        // One product z·M for both metrics, over the union of their rows:
        // LTES's rows lead it, and so do FRI's unless some depth-0 rows
        // were left out (then FRI's rows are gathered).
        let width = source.width
        let union = (0..<max(friUsed, ltesUsed)).filter { !excluded.contains($0) }
        let latents = excluded.isEmpty ? item.dense!.values : Self.gather(item.dense!.values, rows: union, width: width)
        var reconstruction = [Float](repeating: 0, count: union.count * chain.outputWidth)
        if !union.isEmpty {
            BLAS.multiply(latents, chain.linearFloat, into: &reconstruction, m: union.count, k: width, n: chain.outputWidth)
        }
        if !friSelection.isEmpty {
            let baseRows = Self.gather(item.base!, rows: friSelection, width: base.width)
            let positions = union.indices.filter { union[$0] < friUsed && !badBase.contains(union[$0]) }
            let leading = positions.last == positions.count - 1
            let friLatents = leading ? latents : Self.gather(latents, rows: positions, width: width)
            let friReconstruction = leading ? reconstruction : Self.gather(reconstruction, rows: positions, width: chain.outputWidth)
            let elapsed = Self.seconds {
                friLatents.withUnsafeBufferPointer { latents in
                    baseRows.withUnsafeBufferPointer {
                        state.fri!.add(latents: latents, base: $0, reconstruction: friReconstruction, chain: chain, rows: friSelection.count)
                    }
                }
            }
            state.seconds["FRI", default: 0] += elapsed
        }
        if !ltesSelection.isEmpty {
            let elapsed = Self.seconds {
                latents.withUnsafeBufferPointer {
                    state.ltes!.add(latents: $0, reconstruction: reconstruction, chain: chain, rows: ltesSelection.count)
                }
            }
            state.seconds["LTES", default: 0] += elapsed
        }
    }
}
