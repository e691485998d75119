/// The k examples on which each latent is largest, streamed: for every
/// latent at most k (value, row) pairs, ordered by value, larger first, and
/// by row, earlier first, among equal values. Only positive values count.
/// Memory is F·k whatever N is; states of disjoint row ranges merge exactly.
struct TopExamples: Sendable, Equatable {
    let width: Int
    let k: Int
    /// Per latent, `filled[j]` slots of `values`/`rows` at j·k.
    private(set) var values: [Float]
    private(set) var rows: [Int]
    private(set) var filled: [Int]
    /// A value enters latent j's list only above `floor[j]`: 0 until the
    /// list is full, then its worst value.
    private var floor: [Float]
    /// Slot of the worst entry of each full list.
    private var worst: [Int]

    init(width: Int, k: Int) {
        self.width = width
        self.k = k
        values = [Float](repeating: 0, count: width * k)
        rows = [Int](repeating: 0, count: width * k)
        filled = [Int](repeating: 0, count: width)
        floor = [Float](repeating: 0, count: width)
        worst = [Int](repeating: 0, count: width)
    }

    /// Offers latent `latent`'s value on row `row`. Rows arrive in
    /// increasing order, so a value equal to the floor loses to the
    /// earlier row already kept.
    @inline(__always)
    mutating func offer(_ value: Float, latent: Int, row: Int) {
        guard value > floor[latent] else { return }
        insert(value, latent: latent, row: row)
    }

    private mutating func insert(_ value: Float, latent: Int, row: Int) {
        let start = latent * k
        if filled[latent] < k {
            values[start + filled[latent]] = value
            rows[start + filled[latent]] = row
            filled[latent] += 1
            if filled[latent] == k { settleFloor(latent) }
            return
        }
        values[start + worst[latent]] = value
        rows[start + worst[latent]] = row
        settleFloor(latent)
    }

    /// Finds the worst entry of a full list: the smallest value, the latest row among equals.
    private mutating func settleFloor(_ latent: Int) {
        let start = latent * k
        var slot = 0
        for candidate in 1..<k where Self.precedes(
            (values[start + slot], rows[start + slot]), (values[start + candidate], rows[start + candidate])) {
            slot = candidate
        }
        worst[latent] = slot
        floor[latent] = values[start + slot]
    }

    /// Whether `a` ranks before `b`: larger value, or the same value on an earlier row.
    static func precedes(_ a: (Float, Int), _ b: (Float, Int)) -> Bool {
        a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
    }

    /// Latent j's kept examples, best first.
    func ranked(_ latent: Int) -> [(row: Int, value: Float)] {
        let start = latent * k
        return (0..<filled[latent]).map { (rows[start + $0], values[start + $0]) }
            .sorted { Self.precedes(($0.1, $0.0), ($1.1, $1.0)) }
            .map { (row: $0.0, value: $0.1) }
    }

    /// Adds the lists of a state over other rows (in any order).
    mutating func merge(_ other: TopExamples) {
        for latent in 0..<width {
            for entry in other.ranked(latent) where entry.value > 0 {
                let start = latent * k
                let full = filled[latent] == k
                if !full || Self.precedes((entry.value, entry.row), (values[start + worst[latent]], rows[start + worst[latent]])) {
                    insert(entry.value, latent: latent, row: entry.row)
                }
            }
        }
    }

    // MARK: Exchange between processes

    func encoded() -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(Self.encodedCount(width: width, k: k))
        for latent in 0..<width {
            out.append(Double(filled[latent]))
            let start = latent * k
            for slot in 0..<k {
                out.append(Double(values[start + slot]))
                out.append(Double(rows[start + slot]))
            }
        }
        return out
    }

    init(encoded values: ArraySlice<Double>, width: Int, k: Int) {
        self.init(width: width, k: k)
        var cursor = values.startIndex
        for latent in 0..<width {
            let count = Int(values[cursor])
            cursor += 1
            for slot in 0..<k {
                if slot < count { insert(Float(values[cursor]), latent: latent, row: Int(values[cursor + 1])) }
                cursor += 2
            }
        }
    }

    static func encodedCount(width: Int, k: Int) -> Int { width * (1 + 2 * k) }
}
