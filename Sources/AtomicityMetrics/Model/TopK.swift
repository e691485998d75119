import CVectorKernels

/// TopK selection as SAELens's `TopK` does it: in each row the k largest
/// pre-activations are kept and ReLU'd, the rest are 0. Among equal values
/// the lower index wins, so codes are the same on every machine; NaN ranks
/// below every number.
public enum TopK {
    /// Up to this k a row is scanned once against its k best so far; above
    /// it, radix selection finds the k-th largest value. Most entries of a wide
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
            var scratch = [UInt32](repeating: 0, count: width)
            scratch.withUnsafeMutableBufferPointer { scratch in
                for row in 0..<rows { forEachAtKthOrAbove(kept, of: entries(of: row), scratch: scratch) { body(row * width + $0) } }
            }
        }
    }

    /// Calls `body` with the columns of the k largest of `values`: the k-th
    /// largest value found by radix selection (CVectorKernels, `scratch`
    /// holding a key per value), then the row read in column order, every
    /// larger value and as many equal ones as k leaves room for. NaN ranks
    /// below every number.
    static func forEachAtKthOrAbove(
        _ k: Int, of values: UnsafeBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<UInt32>, _ body: (Int) -> Void
    ) {
        guard let base = values.baseAddress, let keys = scratch.baseAddress, k > 0 else { return }
        precondition(k <= values.count && scratch.count >= values.count, "k exceeds the values, or scratch is short")
        let threshold = metasae_kth_largest(base, Int64(values.count), Int64(k), keys)
        if threshold.isNaN {
            // Fewer than k numbers: every number is above the k-th, and NaNs make up the rest.
            forEach(k, of: values, above: { !$0.isNaN }, tied: { $0.isNaN }, body)
        } else {
            forEach(k, of: values, above: { $0 > threshold }, tied: { $0 == threshold }, body)
        }
    }

    /// Every column whose value is above the k-th largest, and the first
    /// ones tied with it until k are called.
    @inline(__always)
    private static func forEach(
        _ k: Int, of values: UnsafeBufferPointer<Float>, above: (Float) -> Bool, tied: (Float) -> Bool, _ body: (Int) -> Void
    ) {
        var ties = k
        for value in values where above(value) { ties -= 1 }
        for column in values.indices {
            let value = values[column]
            if above(value) {
                body(column)
            } else if ties > 0 && tied(value) {
                ties -= 1
                body(column)
            }
        }
    }

    /// Whether `value` ranks strictly before `other`: the larger number, and
    /// any number before NaN (as the radix selection ranks them).
    @inline(__always)
    static func outranks(_ value: Float, _ other: Float) -> Bool {
        value > other || (other.isNaN && !value.isNaN)
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
                guard outranks(value, worst) else { continue }
                slot = k - 1
            }
            while slot > 0 && outranks(value, values[Int(best[slot - 1])]) {
                best[slot] = best[slot - 1]
                slot -= 1
            }
            best[slot] = Int32(column)
            if count == k { worst = values[Int(best[k - 1])] }
        }
    }
}
