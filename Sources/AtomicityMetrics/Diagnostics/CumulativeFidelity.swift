import LinearAlgebra
import MetaSAEStore

/// How well depth d reconstructs depth 0 through the whole decoder chain,
/// over every example: Σ‖G_d(z) − a0‖² (FVU₀'s numerator; the denominator
/// is depth 0's total variance) and, with a classifier head, how often it
/// classifies G_d(z) and a0 correctly.
struct CumulativeFidelity: Sendable {
    var squaredError = 0.0
    var rows = 0
    var correctOnReconstruction = 0
    var correctOnBase = 0

    /// `reconstruction` is z·M (without c) for the block's kept rows, in
    /// the order of `kept`; `base` the block's depth-0 rows.
    mutating func add(
        reconstruction: [Double], base: [Float], kept: [Int], labels: [Int32], chain: DecoderChain, head: ClassifierHead?
    ) {
        let outputs = chain.outputWidth
        var estimate = [Double](repeating: 0, count: outputs)
        for (position, row) in kept.enumerated() {
            for column in 0..<outputs {
                estimate[column] = reconstruction[position * outputs + column] + chain.offset[column]
                let difference = estimate[column] - Double(base[row * outputs + column])
                squaredError += difference * difference
            }
            rows += 1
            guard let head, row < labels.count else { continue }
            let label = Int(labels[row])
            if head.predict(estimate) == label { correctOnReconstruction += 1 }
            if head.predict(base[(row * outputs)..<((row + 1) * outputs)].lazy.map(Double.init)) == label { correctOnBase += 1 }
        }
    }

    func encoded() -> [Double] { [squaredError, Double(rows), Double(correctOnReconstruction), Double(correctOnBase)] }

    mutating func merge(encoded values: ArraySlice<Double>) {
        let start = values.startIndex
        squaredError += values[start]
        rows += Int(values[start + 1])
        correctOnReconstruction += Int(values[start + 2])
        correctOnBase += Int(values[start + 3])
    }

    static let encodedCount = 4
}
