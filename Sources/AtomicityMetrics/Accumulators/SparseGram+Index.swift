import MetaSAEStore

extension SparseGram {
    /// Builds the column index of a sub-block on the workers: its entries
    /// packed with their row ends (`entries`), and their positions grouped by
    /// column (`columnStarts`, `byColumn`). A counting sort split by rows:
    /// each worker counts its rows' columns, one prefix sum gives every
    /// worker its own cursor in each column, then each places its entries.
    /// Workers' rows are in order, so each column's group is in row order, as
    /// a single-threaded sort would leave it. Returns the entry count.
    func index(_ block: CSRBlock, rows: Range<Int>) -> Int {
        let first = block.offsets[rows.lowerBound]
        let count = block.offsets[rows.upperBound] - first
        entries.reserve(count)
        byColumn.reserve(count)
        // Row boundaries splitting the entries about evenly between workers.
        var bounds = [rows.lowerBound]
        for worker in 1..<workers {
            let target = first + count * worker / workers
            var row = bounds[worker - 1]
            while row < rows.upperBound && block.offsets[row] < target { row += 1 }
            bounds.append(row)
        }
        bounds.append(rows.upperBound)
        block.offsets.withUnsafeBufferPointer { offsets in
            block.indices.withUnsafeBufferPointer { indices in
                block.values.withUnsafeBufferPointer { values in
                    let sort = ColumnSort(width: width, first: first, bounds: bounds, offsets: offsets.baseAddress!,
                                          indices: indices.baseAddress!, values: values.baseAddress!,
                                          cursors: cursors, entries: entries.base, byColumn: byColumn.base)
                    onWorkers(sort.count(worker:))
                    sort.placeCursors(workers: workers, starts: columnStarts)
                    onWorkers(sort.place(worker:))
                }
            }
        }
        return count
    }

    /// The counting sort's three steps over one sub-block; workers touch only
    /// their own rows, their own cursors and the positions those cursors give.
    struct ColumnSort: @unchecked Sendable {
        let width: Int
        /// The sub-block's first entry in the block.
        let first: Int
        /// Worker w takes rows bounds[w]..<bounds[w + 1].
        let bounds: [Int]
        let offsets: UnsafePointer<Int>
        let indices: UnsafePointer<Int32>
        let values: UnsafePointer<Float>
        let cursors: UnsafeMutablePointer<Int>
        let entries: UnsafeMutablePointer<Entry>
        let byColumn: UnsafeMutablePointer<Int32>

        func count(worker: Int) {
            let counts = cursors + worker * width
            counts.update(repeating: 0, count: width)
            for entry in offsets[bounds[worker]]..<offsets[bounds[worker + 1]] { counts[Int(indices[entry])] += 1 }
        }

        /// Turns the counts into cursors, column-major then worker by worker.
        func placeCursors(workers: Int, starts: UnsafeMutablePointer<Int>) {
            var running = 0
            for column in 0..<width {
                starts[column] = running
                for worker in 0..<workers {
                    let slot = cursors + worker * width + column
                    (slot.pointee, running) = (running, running + slot.pointee)
                }
            }
            starts[width] = running
        }

        func place(worker: Int) {
            let next = cursors + worker * width
            for row in bounds[worker]..<bounds[worker + 1] {
                let end = Int32(offsets[row + 1] - first)
                for entry in offsets[row]..<offsets[row + 1] {
                    let column = indices[entry]
                    let position = entry - first
                    entries[position] = Entry(column: column, rowEnd: end, value: values[entry])
                    byColumn[next[Int(column)]] = Int32(position)
                    next[Int(column)] += 1
                }
            }
        }
    }
}
