import MetaSAEStore

/// A depth's latents held in memory, row-major `[rowCount × width]`: what a
/// null cascade's next depth is encoded from when it fits the budget (see
/// `AtomicityAnalysis.nullSources`).
public struct InMemoryActivations: RowBlockSource {
    public let values: [Float]
    public let width: Int
    public var rowCount: Int { width > 0 ? values.count / width : 0 }
    public var rowAlignment: Int { 1 }

    /// Streams `source` once and keeps every row.
    public init(_ source: any RowBlockSource, blockBytes: Int) throws {
        var values: [Float] = []
        values.reserveCapacity(source.rowCount * source.width)
        try source.forEachBlock(rows: 0..<source.rowCount, targetBytes: blockBytes) { _, block in values.append(contentsOf: block) }
        self.values = values
        width = source.width
    }

    /// Copies into the caller's buffer, keeping its storage (the default
    /// would hand back a fresh array for every block).
    public func read(_ rows: Range<Int>, into buffer: inout [Float]) throws {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: values[(rows.lowerBound * width)..<(rows.upperBound * width)])
    }

    public func forEachBlock(
        rows: Range<Int>, targetBytes: Int, _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void
    ) throws {
        try values.withUnsafeBufferPointer { all in
            for block in blockRanges(rows: rows, targetBytes: targetBytes) {
                try body(block, UnsafeBufferPointer(rebasing: all[(block.lowerBound * width)..<(block.upperBound * width)]))
            }
        }
    }
}
