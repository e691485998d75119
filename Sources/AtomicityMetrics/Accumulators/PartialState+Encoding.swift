import LinearAlgebra
/// Flat Float64 encodings of the accumulators, for exchanging them between
/// processes. Counts are exact in Float64 up to 2⁵³.
extension MomentAccumulator {
    /// [width, count, mean F, comoment F², classCounts 10, classSums 10F], settled.
    public func encoded() -> [Double] {
        let state = settled
        var out: [Double] = [Double(width), Double(state.count)]
        out.reserveCapacity(Self.encodedCount(width: width))
        out += state.mean
        if state.comoment.isAllocated {
            state.comoment.withUnsafeBufferPointer { out += $0 }
        } else {
            out += repeatElement(0, count: width * width)  // a rank that saw no rows
        }
        out += state.classCounts.map(Double.init)
        out += state.classSums
        return out
    }

    public init(encoded values: ArraySlice<Double>) {
        var cursor = values.startIndex
        func take(_ count: Int) -> ArraySlice<Double> {
            defer { cursor += count }
            return values[cursor..<(cursor + count)]
        }
        let width = Int(take(1).first!)
        let count = Int(take(1).first!)
        let mean = Array(take(width))
        self.init(width: width, comoment: MomentMatrix(take(width * width)))
        self.count = count
        self.mean = mean
        classCounts = take(Self.classCount).map { Int($0) }
        classSums = Array(take(Self.classCount * width))
    }

    static func encodedCount(width: Int) -> Int { 2 + width + width * width + classCount + classCount * width }
}

extension ReconstructionIndependence {
    public func encoded() -> [Double] {
        [scoreSum, Double(examplesUsed), Double(examplesSeen), interferenceSum, Double(interferenceExamples)]
    }
    static let encodedCount = 5

    public init(encoded values: ArraySlice<Double>) {
        self.init()
        let base = values.startIndex
        scoreSum = values[base]
        examplesUsed = Int(values[base + 1])
        examplesSeen = Int(values[base + 2])
        interferenceSum = values[base + 3]
        interferenceExamples = Int(values[base + 4])
    }
}

extension TraversalEffect {
    public func encoded() -> [Double] {
        [Double(rows)] + activeCounts.map(Double.init) + significantSums + latentSums + directionSums
    }

    static func encodedCount(width: Int) -> Int { 1 + 4 * width }

    /// Adds an encoded state of the same chain to this one, without
    /// rebuilding the chain's per-state tables for it: how partial states
    /// from other processes are merged.
    public mutating func merge(encoded values: ArraySlice<Double>) {
        let base = values.startIndex
        rows += Int(values[base])
        for latent in 0..<width {
            activeCounts[latent] += Int(values[base + 1 + latent])
            significantSums[latent] += values[base + 1 + width + latent]
            latentSums[latent] += values[base + 1 + 2 * width + latent]
            directionSums[latent] += values[base + 1 + 3 * width + latent]
        }
    }
}
