import LinearAlgebra
import MetaSAEStore

/// The diagnostics a depth pass streams beside the seed's metrics, over
/// the same rows as the moments.
struct DiagnosticInputs: Sendable {
    /// The depth below, for the adjacent-depth correlations.
    var previous: (any RowBlockSource)?
    /// The seeded label shuffle, positioned at row 0.
    var shuffle: LabelShuffle?
    /// Depth d's decoder chain, for FVU₀ and the classifier's accuracy.
    var chain: DecoderChain?
    var head: ClassifierHead?
}

/// Their states, merged across processes like the others.
struct DiagnosticState: Sendable {
    var shuffled: ShuffledClassSums?
    var cross: CrossMoment?
    var fidelity: CumulativeFidelity?

    init(inputs: DiagnosticInputs, width: Int, firstRow: Int) {
        if var shuffle = inputs.shuffle {
            shuffle.skip(firstRow)
            shuffled = ShuffledClassSums(width: width, shuffle: shuffle)
        }
        if let previous = inputs.previous { cross = CrossMoment(lowerWidth: previous.width, upperWidth: width) }
        if inputs.chain != nil { fidelity = CumulativeFidelity() }
    }

    func encoded() -> [Double] {
        (shuffled?.encoded() ?? []) + (cross?.encoded() ?? []) + (fidelity?.encoded() ?? [])
    }

    func encodedCount() -> Int {
        (shuffled.map { ShuffledClassSums.encodedCount(width: $0.width) } ?? 0)
            + (cross.map { CrossMoment.encodedCount(lower: $0.lowerWidth, upper: $0.upperWidth) } ?? 0)
            + (fidelity != nil ? CumulativeFidelity.encodedCount : 0)
    }

    /// Adds another process's encoded state (the same fields are present).
    mutating func merge(encoded values: ArraySlice<Double>) {
        var cursor = values.startIndex
        if shuffled != nil {
            shuffled!.merge(encoded: values[cursor...])
            cursor += ShuffledClassSums.encodedCount(width: shuffled!.width)
        }
        if let cross {
            self.cross!.merge(encoded: values[cursor...])
            cursor += CrossMoment.encodedCount(lower: cross.lowerWidth, upper: cross.upperWidth)
        }
        if fidelity != nil { fidelity!.merge(encoded: values[cursor...]) }
    }

    /// This state with every sum zeroed, to merge all processes into.
    var empty: DiagnosticState {
        var copy = self
        if let shuffled { copy.shuffled = ShuffledClassSums(width: shuffled.width, shuffle: shuffled.shuffle) }
        if let cross { copy.cross = CrossMoment(lowerWidth: cross.lowerWidth, upperWidth: cross.upperWidth) }
        if fidelity != nil { copy.fidelity = CumulativeFidelity() }
        return copy
    }
}

extension DepthPass {
    /// The block's rows of the depth below, in the form they are stored.
    static func lowerBlock(_ source: any RowBlockSource, rows: Range<Int>) throws -> CrossMoment.Lower {
        if let sparse = source as? SparseActivations { return .sparse(try sparse.block(rows)) }
        return .dense(try source.rows(rows))
    }

    /// The adjacent-depth cross-moments' share of one block, minus excluded rows.
    func addCorrelations(_ item: StreamedBlock, excluding excluded: Set<Int>, to cross: inout CrossMoment?) {
        guard cross != nil, let lower = item.lower else { return }
        let upper = item.sparse ?? item.dense!.values.withUnsafeBufferPointer { CSRBlock(dense: $0, width: source.width) }
        cross!.add(lower: lower, upper: upper, excluded: item.badLower.isEmpty ? excluded : excluded.union(item.badLower))
    }

    /// The other diagnostics' share of one block, minus excluded rows.
    func addDiagnostics(_ item: StreamedBlock, excluding excluded: Set<Int>, to state: inout DiagnosticState) {
        if state.shuffled != nil {
            if let block = item.sparse {
                state.shuffled!.add(block, excluded: excluded)
            } else {
                item.dense!.values.withUnsafeBufferPointer { state.shuffled!.add($0, rows: item.rows.count, excluded: excluded) }
            }
        }
        if state.fidelity != nil, let chain = diagnostics?.chain, let base = item.base {
            let kept = (0..<item.rows.count).filter { !excluded.contains($0) && !item.badBase.contains($0) }
            if let block = item.sparse {
                state.fidelity!.add(sparse: block, base: base, kept: kept, labels: item.labels, chain: chain, head: diagnostics?.head)
            } else {
                let reconstruction = Self.reconstruction(item, rows: kept, chain: chain)
                state.fidelity!.add(reconstruction: reconstruction, base: base, kept: kept, labels: item.labels, chain: chain, head: diagnostics?.head)
            }
        }
    }

    /// z·M in Float64 for the given rows of a dense block, in their order.
    static func reconstruction(_ item: StreamedBlock, rows: [Int], chain: DecoderChain) -> [Double] {
        let width = chain.latentWidth
        let values = item.dense!.values
        var latents = [Double](repeating: 0, count: rows.count * width)
        for (position, row) in rows.enumerated() {
            for column in 0..<width { latents[position * width + column] = Double(values[row * width + column]) }
        }
        var product = [Double](repeating: 0, count: rows.count * chain.outputWidth)
        BLAS.multiply(latents, chain.linear, into: &product, m: rows.count, k: width, n: chain.outputWidth)
        return product
    }
}
