import Foundation

/// Each latent's positive activations counted in half-octave bins, one
/// pass over the rows with no range known in advance: bin b holds values
/// in [2^((b − 1)/2 + lowest), 2^(b/2 + lowest)), the first bin everything
/// below, the last everything above. (How often each latent fires is
/// `ActivityCount`'s, over the same rows.)
struct ActivationHistogram: Sendable, Equatable {
    /// Powers of two the bins span: 2^-16 … 2^16.
    static let lowestExponent = -16
    static let highestExponent = 16
    static let binCount = 2 * (highestExponent - lowestExponent) + 2

    let width: Int
    private(set) var counts: [Int]

    init(width: Int) {
        self.width = width
        counts = [Int](repeating: 0, count: width * Self.binCount)
    }

    /// The bin of a positive value, from its binary exponent and whether
    /// its significand passes √2.
    @inline(__always)
    static func bin(_ value: Float) -> Int {
        let halfOctave = 2 * Int(value.exponent) + (value.significand >= 1.4142135 ? 1 : 0)
        return min(max(halfOctave - 2 * lowestExponent + 1, 0), binCount - 1)
    }

    /// Lower edge of bin b (b ≥ 1); bin 0 starts at 0.
    static func lowerEdge(_ bin: Int) -> Double {
        bin == 0 ? 0 : pow(2, Double(bin - 1) / 2 + Double(lowestExponent))
    }

    @inline(__always)
    mutating func add(_ value: Float, latent: Int) {
        if value > 0 { counts[latent * Self.binCount + Self.bin(value)] += 1 }
    }

    func histogram(_ latent: Int) -> ArraySlice<Int> {
        counts[(latent * Self.binCount)..<((latent + 1) * Self.binCount)]
    }

    mutating func merge(_ other: ActivationHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
    }

    func encoded() -> [Double] { counts.map(Double.init) }

    init(encoded values: ArraySlice<Double>, width: Int) {
        self.init(width: width)
        let start = values.startIndex
        for index in counts.indices { counts[index] = Int(values[start + index]) }
    }

    static func encodedCount(width: Int) -> Int { width * binCount }
}
