/// TopK selection as SAELens's `TopK` does it: in each row the k largest
/// pre-activations are kept and ReLU'd, the rest are 0. Among equal values
/// the lower index wins, so codes are the same on every machine.
public enum TopK {
    /// Up to this k a row is scanned once against its k best so far; above
    /// it, quickselect finds the k-th largest value. Most entries of a wide
    /// row lose to the k-th best in one comparison, so the scan costs about
    /// one comparison per entry.
    static let scanLimit = 32

    /// The codes of `rows` rows of `width` pre-activations.
    public static func keep(_ k: Int, ofEachOf rows: Int, rowsOf pre: [Float], width: Int) -> [Float] {
        var codes = [Float](repeating: 0, count: rows * width)
        codes.withUnsafeMutableBufferPointer { codes in
            pre.withUnsafeBufferPointer { values in
                forEachKept(k, ofEachOf: rows, rowsOf: values, width: width) { index in codes[index] = max(0, values[index]) }
            }
        }
        return codes
    }

    /// Calls `body` with the flat index of each kept entry: the `k` largest
    /// of each row (ties: lower column first), in no particular order.
    public static func forEachKept(
        _ k: Int, ofEachOf rows: Int, rowsOf values: UnsafeBufferPointer<Float>, width: Int, _ body: (Int) -> Void
    ) {
        guard k > 0, width > 0 else { return }
        let kept = min(k, width)
        func entries(of row: Int) -> UnsafeBufferPointer<Float> { UnsafeBufferPointer(rebasing: values[(row * width)..<((row + 1) * width)]) }
        if kept == width {
            for index in 0..<(rows * width) { body(index) }
        } else if kept <= scanLimit {
            var best = [Int32](repeating: 0, count: kept)
            best.withUnsafeMutableBufferPointer { best in
                for row in 0..<rows {
                    scan(kept, into: best, by: entries(of: row))
                    for column in best { body(row * width + Int(column)) }
                }
            }
        } else {
            var scratch = [Float](repeating: 0, count: width)
            scratch.withUnsafeMutableBufferPointer { scratch in
                for row in 0..<rows { forEachAtKthOrAbove(kept, of: entries(of: row), scratch: scratch) { body(row * width + $0) } }
            }
        }
    }

    /// Calls `body` with the columns of the k largest of `values`: the k-th
    /// largest value found on a copy (in `scratch`), then the row read in
    /// column order, every larger value and as many equal ones as k leaves
    /// room for.
    static func forEachAtKthOrAbove(
        _ k: Int, of values: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>, _ body: (Int) -> Void
    ) {
        _ = scratch.update(fromContentsOf: values)
        let threshold = kthLargest(k, in: scratch)
        var ties = k - values.reduce(0) { $1 > threshold ? $0 + 1 : $0 }
        for column in values.indices {
            let value = values[column]
            if value > threshold {
                body(column)
            } else if value == threshold && ties > 0 {
                ties -= 1
                body(column)
            }
        }
    }

    /// Fills `best` (k slots) with the k best columns, best first: columns
    /// are offered in increasing order, so a newcomer ranks before a kept
    /// column only with a strictly larger value (ties: lower column first).
    static func scan(_ k: Int, into best: UnsafeMutableBufferPointer<Int32>, by values: UnsafeBufferPointer<Float>) {
        var count = 0
        // The k-th best value so far, kept in a register: the test most entries fail.
        var worst = -Float.infinity
        for column in 0..<values.count {
            let value = values[column]
            var slot: Int
            if count < k {
                slot = count
                count += 1
            } else {
                guard value > worst else { continue }
                slot = k - 1
            }
            while slot > 0 && value > values[Int(best[slot - 1])] {
                best[slot] = best[slot - 1]
                slot -= 1
            }
            best[slot] = Int32(column)
            if count == k { worst = values[Int(best[k - 1])] }
        }
    }

    /// The k-th largest of `values` (1 ≤ k ≤ count), reordering them:
    /// quickselect on the values themselves, O(count) on average.
    static func kthLargest(_ k: Int, in values: UnsafeMutableBufferPointer<Float>) -> Float {
        let target = k - 1
        var low = 0
        var high = values.count - 1
        while low < high {
            // Median of three (largest first) as the pivot keeps sorted rows linear.
            let middle = (low + high) / 2
            if values[middle] > values[low] { values.swapAt(middle, low) }
            if values[high] > values[low] { values.swapAt(high, low) }
            if values[high] > values[middle] { values.swapAt(high, middle) }
            let pivot = values[middle]
            var i = low
            var j = high
            while i <= j {
                // Bounded: a NaN orders nothing, and must not walk off the row.
                while i < high && values[i] > pivot { i += 1 }
                while j > low && pivot > values[j] { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j { high = j } else if target >= i { low = i } else { return values[target] }
        }
        return values[target]
    }
}
