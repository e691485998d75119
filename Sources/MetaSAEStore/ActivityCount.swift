
/// How many latents fire (|z| > 1e-5, the seed's rule) per row, and which
/// ever fire: mean L0 and the alive latents, as the analysis, the file
/// summary and the training log all count them.
public struct ActivityCount: Sendable, Equatable {
    public private(set) var rows = 0
    public private(set) var active = 0
    /// Whether each latent fired on at least one row.
    public private(set) var fired: [Bool]

    public init(width: Int) { fired = [Bool](repeating: false, count: width) }

    public var meanL0: Double { rows > 0 ? Double(active) / Double(rows) : .nan }
    public var aliveLatents: Int { fired.filter { $0 }.count }

    /// A dense row-major block of `rows` rows.
    public mutating func add(_ block: UnsafeBufferPointer<Float>, rows count: Int) {
        let width = fired.count
        guard width > 0 else { rows += count; return }
        for index in 0..<(count * width) where abs(block[index]) > Conventions.activeThreshold {
            active += 1
            fired[index % width] = true
        }
        rows += count
    }

    public mutating func add(_ block: CSRBlock) {
        for (column, value) in zip(block.indices, block.values) where abs(value) > Conventions.activeThreshold {
            active += 1
            fired[Int(column)] = true
        }
        rows += block.rowCount
    }

    public mutating func merge(_ other: ActivityCount) {
        rows += other.rows
        active += other.active
        for index in fired.indices where other.fired[index] { fired[index] = true }
    }

    /// For the exchange between processes.
    public func encoded() -> [Double] { [Double(rows), Double(active)] + fired.map { $0 ? 1 : 0 } }

    public init(encoded values: ArraySlice<Double>, width: Int) {
        let start = values.startIndex
        rows = Int(values[start])
        active = Int(values[start + 1])
        fired = (0..<width).map { values[start + 2 + $0] != 0 }
    }

    public static func encodedCount(width: Int) -> Int { 2 + width }
}
