import LinearAlgebra
import MetaSAEStore

/// Latents computed on the fly: depth-0 rows pushed through a chain of
/// encoders (`SAEWeights.encode`), one block at a time.
public struct EncodedActivations: RowBlockSource {
    public let base: any RowBlockSource
    public let encoders: [SAEWeights]

    public init(base: any RowBlockSource, encoders: [SAEWeights]) {
        precondition(!encoders.isEmpty && encoders[0].inputWidth == base.width, "encoder chain does not fit the base")
        self.base = base
        self.encoders = encoders
    }

    public var rowCount: Int { base.rowCount }
    public var width: Int { encoders.last!.latentWidth }
    public var rowAlignment: Int { base.rowAlignment }

    public func forEachBlock(
        rows: Range<Int>, targetBytes: Int,
        _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void
    ) throws {
        try base.forEachBlock(rows: rows, targetBytes: targetBytes) { block, values in
            var current = Array(values)
            for encoder in encoders {
                current = encoder.encode(current, rows: block.count)
            }
            try current.withUnsafeBufferPointer { try body(block, $0) }
        }
    }
}
