import LinearAlgebra
import MetaSAEStore

/// Latents computed on the fly: depth-0 rows pushed through a chain of
/// encoders, `z = relu((x − b_dec·apply) · W_enc + b_enc)`, one block at a time.
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
                current = Self.encode(current, rows: block.count, with: encoder)
            }
            try current.withUnsafeBufferPointer { try body(block, $0) }
        }
    }

    /// One encoder applied to a block of rows.
    public static func encode(_ input: [Float], rows: Int, with sae: SAEWeights) -> [Float] {
        var source = input
        if sae.subtractsDecoderBias {
            for row in 0..<rows {
                for column in 0..<sae.inputWidth { source[row * sae.inputWidth + column] -= sae.decoderBias[column] }
            }
        }
        var output = [Float](repeating: 0, count: rows * sae.latentWidth)
        BLAS.multiply(source, sae.encoderWeight, into: &output, m: rows, k: sae.inputWidth, n: sae.latentWidth)
        for row in 0..<rows {
            for column in 0..<sae.latentWidth {
                let index = row * sae.latentWidth + column
                output[index] = max(0, output[index] + sae.encoderBias[column])
            }
        }
        return output
    }
}
