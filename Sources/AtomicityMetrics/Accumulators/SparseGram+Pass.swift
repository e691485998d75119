import CMemoryHints

extension SparseGram {
    /// Columns per group dealt to one worker: enough to keep a worker's
    /// matrix rows apart from its neighbour's, few enough to balance.
    static let columnGroup = 16
    /// How many column entries ahead a worker asks for the rows it will
    /// read: each row start is at an unpredictable address, and a row's work
    /// (k/2 updates on average) takes about as long as a miss to L3.
    static let prefetchDistance = 8

    /// One sub-block's column loop, shared read-only by the workers; each
    /// writes only its own accumulator row and its own columns' matrix rows.
    struct Pass: @unchecked Sendable {
        let width: Int
        let workers: Int
        /// Entries in the sub-block.
        let count: Int
        let starts: UnsafeMutablePointer<Int>
        let byColumn: UnsafeMutablePointer<Int32>
        let entries: UnsafeMutablePointer<Entry>
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
                        prefetchRows(after: slot)
                        let position = Int(byColumn[slot])
                        let head = entries[position]
                        let end = Int(head.rowEnd)
                        let value = Double(head.value)
                        // Indices increase along a row, so entries from here on have j ≥ i.
                        for other in position..<end {
                            let entry = entries[other]
                            sums[Int(entry.column)] += value * Double(entry.value)
                        }
                        last = max(last, Int(entries[end - 1].column))
                    }
                    let target = matrix + column * width
                    for j in column...last {
                        target[j] += sums[j]
                        sums[j] = 0
                    }
                }
            }
        }

        /// Prefetches in two stages, since a row's length is only known once
        /// its first entry is loaded: the first cache line of the row 2d
        /// slots ahead, and every further line of the row d slots ahead,
        /// whose first line has arrived by now.
        @inline(__always)
        private func prefetchRows(after slot: Int) {
            let distance = SparseGram.prefetchDistance
            if slot + 2 * distance < count { metasae_prefetch(entries + Int(byColumn[slot + 2 * distance])) }
            guard slot + distance < count else { return }
            let start = Int(byColumn[slot + distance])
            let lastByte = UInt(bitPattern: entries + Int(entries[start].rowEnd)) - 1
            var line = (UInt(bitPattern: entries + start) | 63) + 1
            while line <= lastByte {
                metasae_prefetch(UnsafeRawPointer(bitPattern: line))
                line += 64
            }
        }
    }
}
