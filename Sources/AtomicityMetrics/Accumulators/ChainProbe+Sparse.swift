import MetaSAEStore

/// FRI and LTES on compressed-row latents: reconstructions and projections
/// touch only the stored (non-zero) latents of each row, through the rows
/// of the composite decoder M.
extension DecoderChain {
    /// z·M for one CSR row (without the offset c), in Float64.
    func reconstruction(of block: CSRBlock, row: Int) -> [Double] {
        var output = [Double](repeating: 0, count: outputWidth)
        for entry in block.offsets[row]..<block.offsets[row + 1] {
            let value = Double(block.values[entry])
            let base = Int(block.indices[entry]) * outputWidth
            for column in 0..<outputWidth { output[column] += value * linear[base + column] }
        }
        return output
    }
}

extension ReconstructionIndependence {
    /// - Parameters:
    ///   - base: [rows × D] depth-0 activations of the same rows.
    public mutating func add(sparse block: CSRBlock, base: UnsafeBufferPointer<Float>, chain: DecoderChain) {
        let depth0 = chain.outputWidth
        for row in 0..<block.rowCount {
            let reconstruction = chain.reconstruction(of: block, row: row)
            let residual = (0..<depth0).map { chain.offset[$0] - Double(base[row * depth0 + $0]) }
            var active: [(feature: Int, value: Double, projection: Double)] = []
            for entry in block.offsets[row]..<block.offsets[row + 1] where abs(block.values[entry]) > Self.activeThreshold {
                let feature = Int(block.indices[entry])
                var projection = 0.0
                for column in 0..<depth0 { projection += residual[column] * chain.linear[feature * depth0 + column] }
                active.append((feature, Double(block.values[entry]), projection))
            }
            var residualNorm = 0.0
            var fullError = 0.0
            for column in 0..<depth0 {
                residualNorm += residual[column] * residual[column]
                let difference = reconstruction[column] + residual[column]
                fullError += difference * difference
            }
            scoreExample(active: active, residualNorm: residualNorm, fullError: fullError / Double(depth0), chain: chain)
        }
    }
}

extension TraversalEffect {
    public mutating func add(sparse block: CSRBlock, chain: DecoderChain) {
        for row in 0..<block.rowCount {
            let reconstruction = chain.reconstruction(of: block, row: row)
            let threshold = Self.threshold(baseline: (0..<chain.outputWidth).map { reconstruction[$0] + chain.offset[$0] })
            let span = block.offsets[row]..<block.offsets[row + 1]
            addRow(entries: span.lazy.map { (Int(block.indices[$0]), block.values[$0]) }, threshold: threshold, outputs: chain.outputWidth)
        }
    }
}
