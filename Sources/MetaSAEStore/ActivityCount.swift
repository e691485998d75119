import CVectorKernels

/// How many latents fire (|z| > 1e-5, the seed's rule) per row, and how
/// often each fires: mean L0, the alive latents and each latent's
/// frequency, as the analysis, the file summary, the training log and the
/// feature browser all count them.
public struct ActivityCount: Sendable, Equatable {
    public private(set) var rows = 0
    public private(set) var active = 0
    /// Rows on which each latent fired.
    public private(set) var firings: [Int]

    public init(width: Int) { firings = [Int](repeating: 0, count: width) }

    public var meanL0: Double { rows > 0 ? Double(active) / Double(rows) : .nan }
    /// Whether each latent fired on at least one row.
    public var fired: [Bool] { firings.map { $0 > 0 } }
    public var aliveLatents: Int { firings.filter { $0 > 0 }.count }

    /// A dense row-major block of `rows` rows.
    public mutating func add(_ block: UnsafeBufferPointer<Float>, rows count: Int) {
        let width = firings.count
        guard width > 0, count > 0 else { rows += count; return }
        var counts = [UInt32](repeating: 0, count: width)
        active += Int(metasae_count_active(block.baseAddress!, Int64(count), Int64(width), Conventions.activeThreshold, &counts))
        for column in 0..<width {
            firings[column] += Int(counts[column])
        }
        rows += count
    }

    public mutating func add(_ block: CSRBlock) {
        for (column, value) in zip(block.indices, block.values) where abs(value) > Conventions.activeThreshold {
            active += 1
            firings[Int(column)] += 1
        }
        rows += block.rowCount
    }

    public mutating func merge(_ other: ActivityCount) {
        rows += other.rows
        active += other.active
        for index in firings.indices { firings[index] += other.firings[index] }
    }

    /// For the exchange between processes.
    public func encoded() -> [Double] { [Double(rows), Double(active)] + firings.map(Double.init) }

    public init(encoded values: ArraySlice<Double>, width: Int) {
        let start = values.startIndex
        rows = Int(values[start])
        active = Int(values[start + 1])
        firings = (0..<width).map { Int(values[start + 2 + $0]) }
    }

    public static func encodedCount(width: Int) -> Int { 2 + width }
}
