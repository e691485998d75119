import MetaSAEStore

/// What one depth pass streams for the feature browser: each latent's top
/// examples, activation histogram and firing count, over the same rows as
/// the moments (class means come from those).
struct FeatureState: Sendable, Equatable {
    var top: TopExamples
    var histogram: ActivationHistogram

    init(width: Int, examples: Int) {
        top = TopExamples(width: width, k: examples)
        histogram = ActivationHistogram(width: width)
    }

    var width: Int { top.width }

    /// A dense block whose first row is row `firstRow` of the file; rows
    /// at `excluded` positions are left out.
    mutating func add(_ block: UnsafeBufferPointer<Float>, rows: Int, firstRow: Int, excluded: Set<Int>) {
        let width = width
        for row in 0..<rows where !excluded.contains(row) {
            let base = row * width
            for latent in 0..<width {
                let value = block[base + latent]
                guard value != 0 else { continue }
                histogram.add(value, latent: latent)
                top.offer(value, latent: latent, row: firstRow + row)
            }
        }
    }

    mutating func add(_ block: CSRBlock, firstRow: Int, excluded: Set<Int>) {
        for row in 0..<block.rowCount where !excluded.contains(row) {
            for entry in block.offsets[row]..<block.offsets[row + 1] {
                let latent = Int(block.indices[entry])
                histogram.add(block.values[entry], latent: latent)
                top.offer(block.values[entry], latent: latent, row: firstRow + row)
            }
        }
    }

    mutating func merge(_ other: FeatureState) {
        top.merge(other.top)
        histogram.merge(other.histogram)
    }

    func encoded() -> [Double] { top.encoded() + histogram.encoded() }

    init(encoded values: ArraySlice<Double>, width: Int, examples: Int) {
        let split = values.startIndex + TopExamples.encodedCount(width: width, k: examples)
        top = TopExamples(encoded: values[..<split], width: width, k: examples)
        histogram = ActivationHistogram(encoded: values[split...], width: width)
    }

    static func encodedCount(width: Int, examples: Int) -> Int {
        TopExamples.encodedCount(width: width, k: examples) + ActivationHistogram.encodedCount(width: width)
    }
}
