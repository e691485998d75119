import Foundation
import MetaSAEStore

/// Σ over rows of the outer products of each row's non-zeros, added into the
/// upper triangle of a row-major F×F Float64 matrix: the sparse kernel of
/// `MomentAccumulator`, O(k²) per row of k non-zeros.
///
/// Scattering k²/2 products per row straight into an F×F matrix misses cache
/// on nearly every update once F is in the thousands. This is Gustavson's
/// sparse XᵀX instead: a sub-block of rows is indexed by column, and for each
/// column i every row holding i adds vᵢ·vⱼ (j ≥ i) into one dense
/// accumulator row that lives in L1; that row is then added to matrix row i
/// in one sequential sweep. Columns are dealt to worker threads in
/// interleaved groups; each owns its accumulator and the matrix rows of its
/// columns, so no two threads write the same memory.
///
/// A reference type holding its scratch buffers, reused from block to block
/// (fresh multi-megabyte arrays per sub-block cost more in page faults than
/// the arithmetic). Not for concurrent use: an owner copied across threads
/// makes its own (see `MomentAccumulator.add(_:labels:)`).
final class SparseGram: @unchecked Sendable {
    /// Stored entries per sub-block by default: 512 k (6 MiB of indices and
    /// widened values) keeps the rows revisited once per column in L2/L3,
    /// while the matrix sweep, O(F²/2) per sub-block, stays a small share.
    static let defaultSubBlockEntries = 524_288
    /// Columns per group dealt to one worker: enough to keep a worker's
    /// matrix rows apart from its neighbour's, few enough to balance.
    static let columnGroup = 16

    let width: Int
    let workers: Int
    let subBlockEntries: Int
    private var columnStarts: UnsafeMutablePointer<Int>
    private let rowEnd = Scratch<Int32>()
    private let byColumn = Scratch<Int32>()
    private let wide = Scratch<Double>()
    /// One zeroed accumulator row per worker.
    private var accumulators: UnsafeMutablePointer<Double>

    init(width: Int, workers: Int, subBlockEntries: Int = defaultSubBlockEntries) {
        self.width = width
        self.workers = max(1, workers)
        self.subBlockEntries = max(1, subBlockEntries)
        columnStarts = .allocate(capacity: width + 1)
        accumulators = .allocate(capacity: width * self.workers)
        accumulators.initialize(repeating: 0, count: width * self.workers)
    }

    deinit {
        columnStarts.deallocate()
        accumulators.deallocate()
    }

    /// Adds the raw outer products of every row of `block` into `matrix`.
    func accumulate(_ block: CSRBlock, into matrix: UnsafeMutablePointer<Double>) {
        precondition(block.width == width, "block width differs from the kernel's")
        var start = 0
        while start < block.rowCount {
            var end = start + 1
            while end < block.rowCount && block.offsets[end + 1] - block.offsets[start] <= subBlockEntries { end += 1 }
            accumulate(block, rows: start..<end, into: matrix)
            start = end
        }
    }

    private func accumulate(_ block: CSRBlock, rows: Range<Int>, into matrix: UnsafeMutablePointer<Double>) {
        let first = block.offsets[rows.lowerBound]
        let count = block.offsets[rows.upperBound] - first
        guard count > 0 else { return }
        block.indices.withUnsafeBufferPointer { allIndices in
            block.values.withUnsafeBufferPointer { allValues in
                let indices = allIndices.baseAddress! + first
                index(block, rows: rows, indices: indices, values: allValues.baseAddress! + first, count: count)
                let pass = Pass(width: width, workers: workers, starts: columnStarts, rowEnd: rowEnd.base,
                                byColumn: byColumn.base, indices: indices, values: wide.base,
                                accumulators: accumulators, matrix: matrix)
                if workers == 1 { pass.run(worker: 0) } else { DispatchQueue.concurrentPerform(iterations: workers) { pass.run(worker: $0) } }
            }
        }
    }

    /// One sub-block's column loop, shared read-only by the workers; each
    /// writes only its own accumulator row and its own columns' matrix rows.
    private struct Pass: @unchecked Sendable {
        let width: Int
        let workers: Int
        let starts: UnsafeMutablePointer<Int>
        let rowEnd: UnsafeMutablePointer<Int32>
        let byColumn: UnsafeMutablePointer<Int32>
        let indices: UnsafePointer<Int32>
        let values: UnsafeMutablePointer<Double>
        let accumulators: UnsafeMutablePointer<Double>
        let matrix: UnsafeMutablePointer<Double>

        func run(worker: Int) {
            let sums = accumulators + worker * width
            let groups = (width + SparseGram.columnGroup - 1) / SparseGram.columnGroup
            for group in stride(from: worker, to: groups, by: workers) {
                for column in (group * SparseGram.columnGroup)..<min(width, (group + 1) * SparseGram.columnGroup) {
                    let (from, to) = (starts[column], starts[column + 1])
                    if from == to { continue }
                    var last = column
                    for slot in from..<to {
                        let entry = Int(byColumn[slot])
                        let end = Int(rowEnd[entry])
                        let value = values[entry]
                        // Indices increase along a row, so entries from here on have j ≥ i.
                        for other in entry..<end { sums[Int(indices[other])] += value * values[other] }
                        last = max(last, Int(indices[end - 1]))
                    }
                    let target = matrix + column * width
                    for j in column...last {
                        target[j] += sums[j]
                        sums[j] = 0
                    }
                }
            }
        }
    }

    /// Builds the column index of a sub-block: entries grouped by column
    /// (`columnStarts`, `byColumn`), where each entry's row ends (`rowEnd`),
    /// and the values widened once (each is used about k/2 times).
    private func index(_ block: CSRBlock, rows: Range<Int>, indices: UnsafePointer<Int32>,
                       values: UnsafePointer<Float>, count: Int) {
        rowEnd.reserve(count)
        byColumn.reserve(count)
        wide.reserve(count)
        let first = block.offsets[rows.lowerBound]
        let starts = columnStarts
        starts.initialize(repeating: 0, count: width + 1)
        for entry in 0..<count { starts[Int(indices[entry]) + 1] += 1 }
        for column in 0..<width { starts[column + 1] += starts[column] }
        for row in rows {
            let end = Int32(block.offsets[row + 1] - first)
            for entry in (block.offsets[row] - first)..<(block.offsets[row + 1] - first) { rowEnd.base[entry] = end }
        }
        for entry in 0..<count { wide.base[entry] = Double(values[entry]) }
        // Counting sort by column; `starts` is shifted by one column as it fills and restored after.
        for entry in 0..<count {
            let column = Int(indices[entry])
            byColumn.base[starts[column]] = Int32(entry)
            starts[column] += 1
        }
        for column in stride(from: width, to: 0, by: -1) { starts[column] = starts[column - 1] }
        starts[0] = 0
    }
}

/// A grow-only scratch array of trivial values.
private final class Scratch<Element> {
    private(set) var base: UnsafeMutablePointer<Element> = .allocate(capacity: 1)
    private var capacity = 1

    deinit { base.deallocate() }

    func reserve(_ count: Int) {
        guard count > capacity else { return }
        base.deallocate()
        capacity = max(count, capacity * 2)
        base = .allocate(capacity: capacity)
    }
}
