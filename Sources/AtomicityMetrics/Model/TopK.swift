/// TopK selection as SAELens's `TopK` does it: in each row the k largest
/// pre-activations are kept and ReLU'd, the rest are 0. Among equal values
/// the lower index wins, so codes are the same on every machine.
public enum TopK {
    /// Up to this k a row is scanned once against its k best so far; above
    /// it, quickselect. Most entries of a wide row lose to the k-th best in
    /// one comparison, so the scan costs about one comparison per entry.
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
        var order = [Int32](repeating: 0, count: kept <= scanLimit ? kept : width)
        order.withUnsafeMutableBufferPointer { order in
            for row in 0..<rows {
                let base = row * width
                let values = UnsafeBufferPointer(rebasing: values[base..<(base + width)])
                if kept <= scanLimit {
                    scan(kept, into: order, by: values)
                } else {
                    for column in 0..<width { order[column] = Int32(column) }
                    select(kept, in: order, by: values)
                }
                for column in order.prefix(kept) { body(base + Int(column)) }
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

    /// Puts the `k` largest columns (ties: lower column first) at the front
    /// of `order`, in no particular order: quickselect, O(width) on average.
    static func select(_ k: Int, in order: UnsafeMutableBufferPointer<Int32>, by values: UnsafeBufferPointer<Float>) {
        guard k < order.count else { return }
        /// Whether column a ranks before column b.
        func before(_ a: Int32, _ b: Int32) -> Bool {
            let (x, y) = (values[Int(a)], values[Int(b)])
            return x > y || (x == y && a < b)
        }
        var low = 0
        var high = order.count - 1
        while low < high {
            // Median of three as the pivot keeps sorted rows linear.
            let middle = (low + high) / 2
            if before(order[middle], order[low]) { order.swapAt(middle, low) }
            if before(order[high], order[low]) { order.swapAt(high, low) }
            if before(order[high], order[middle]) { order.swapAt(high, middle) }
            let pivot = order[middle]
            var i = low
            var j = high
            while i <= j {
                // Bounded: a NaN orders nothing, and must not walk off the row.
                while i < high && before(order[i], pivot) { i += 1 }
                while j > low && before(pivot, order[j]) { j -= 1 }
                if i <= j {
                    order.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k - 1 <= j { high = j } else if k - 1 >= i { low = i } else { return }
        }
    }
}
