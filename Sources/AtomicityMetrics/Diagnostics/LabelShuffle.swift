import LinearAlgebra
import MetaSAEStore

/// A seeded uniform shuffle of the labels, drawn one row at a time: row i
/// takes class c with probability (labels of class c not yet drawn) /
/// (labels not yet drawn). That is a uniformly random permutation of the
/// label multiset, streamed in O(classes) memory. A process whose share
/// starts at row s skips s draws, so every row gets the same label under
/// MPI as in one process.
///
/// Draw: r = next() mod remaining from `SeededGenerator(seed:)`, then the
/// first class whose running count of remaining labels exceeds r.
/// (`Tests/Fixtures/diagnostics/make_diagnostics_fixtures.py` redoes it.)
public struct LabelShuffle: Sendable {
    private var remaining: [Int]
    private var total: Int
    private var generator: SeededGenerator

    public init(classCounts: [Int], seed: UInt64) {
        remaining = classCounts
        total = classCounts.reduce(0, +)
        generator = SeededGenerator(seed: seed)
    }

    /// Counts per class of every label, read a block at a time.
    public static func classCounts(of labels: LabelReader) throws -> [Int] {
        var counts = [Int](repeating: 0, count: MomentAccumulator.classCount)
        var start = 0
        while start < labels.count {
            let rows = start..<min(labels.count, start + (1 << 20))
            for label in try labels.labels(rows) { counts[Int(label)] += 1 }
            start = rows.upperBound
        }
        return counts
    }

    /// The next row's shuffled label.
    public mutating func next() -> Int32 {
        precondition(total > 0, "more draws than labels")
        var draw = Int(generator.next() % UInt64(total))
        var label = 0
        while draw >= remaining[label] {
            draw -= remaining[label]
            label += 1
        }
        remaining[label] -= 1
        total -= 1
        return Int32(label)
    }

    public mutating func skip(_ rows: Int) {
        for _ in 0..<rows { _ = next() }
    }
}

/// Per-class sums of latents under shuffled labels: CSP's chance level.
struct ShuffledClassSums: Sendable {
    let width: Int
    var shuffle: LabelShuffle
    var counts = [Int](repeating: 0, count: MomentAccumulator.classCount)
    var sums: [Double]

    init(width: Int, shuffle: LabelShuffle) {
        self.width = width
        self.shuffle = shuffle
        sums = [Double](repeating: 0, count: MomentAccumulator.classCount * width)
    }

    /// A dense block; every row draws a label, kept rows add to its class.
    mutating func add(_ block: UnsafeBufferPointer<Float>, rows: Int, excluded: Set<Int>) {
        for row in 0..<rows {
            let label = Int(shuffle.next())
            guard !excluded.contains(row) else { continue }
            counts[label] += 1
            // Every column, zeros included: a branch per value costs more than adding them.
            sums.withUnsafeMutableBufferPointer { sums in
                let target = sums.baseAddress! + label * width
                let source = block.baseAddress! + row * width
                for column in 0..<width { target[column] += Double(source[column]) }
            }
        }
    }

    mutating func add(_ block: CSRBlock, excluded: Set<Int>) {
        for row in 0..<block.rowCount {
            let label = Int(shuffle.next())
            guard !excluded.contains(row) else { continue }
            counts[label] += 1
            for entry in block.offsets[row]..<block.offsets[row + 1] {
                sums[label * width + Int(block.indices[entry])] += Double(block.values[entry])
            }
        }
    }

    /// The seed's CSP with the shuffled class means.
    var conceptSelectivity: Double {
        AtomicityFormulas.conceptSelectivity(classMeans: MomentAccumulator.classMeans(sums: sums, counts: counts, width: width),
                                             width: width, latents: Array(0..<width))
    }

    func encoded() -> [Double] { counts.map(Double.init) + sums }

    mutating func merge(encoded values: ArraySlice<Double>) {
        let start = values.startIndex
        for label in counts.indices { counts[label] += Int(values[start + label]) }
        for index in sums.indices { sums[index] += values[start + counts.count + index] }
    }

    static func encodedCount(width: Int) -> Int { MomentAccumulator.classCount * (1 + width) }
}
