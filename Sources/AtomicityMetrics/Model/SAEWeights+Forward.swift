import CVectorKernels
import LinearAlgebra
import MetaSAEStore

/// The one SAE forward pass, used by training, the metrics, the null
/// models and import: `z = act((x − b_dec·apply) · W_enc + b_enc)`,
/// `x̂ = z · W_dec + b_dec`, rows in row-major blocks.
extension SAEWeights {
    /// `(x − b_dec·apply) · W_enc + b_enc` for `rows` rows of `x`, written
    /// over `storage` when it is given (its values unused; copied first if
    /// shared, as any array): a caller recycling a dead buffer of this size
    /// skips faulting in fresh memory.
    public func preActivations(_ x: [Float], rows: Int, reusing storage: consuming [Float] = []) -> [Float] {
        var input = x
        if subtractsDecoderBias {
            input.withUnsafeMutableBufferPointer { values in
                for row in 0..<rows {
                    for column in 0..<inputWidth { values[row * inputWidth + column] -= decoderBias[column] }
                }
            }
        }
        var output = [Float].written(count: rows * latentWidth, reusing: consume storage) { output in
            input.withUnsafeBufferPointer { input in
                encoderWeight.withUnsafeBufferPointer { BLAS.multiply(input, $0, into: output, m: rows, k: inputWidth, n: latentWidth) }
            }
        }
        Self.add(encoderBias, toEachOf: rows, rowsOf: &output)
        return output
    }

    /// The codes for `rows` rows of pre-activations, by the SAE's activation function.
    /// Consumed: ReLU and JumpReLU then write the pre-activations in place.
    public func activate(_ pre: consuming [Float], rows: Int) -> [Float] {
        switch activation {
        case .relu:
            var codes = pre
            metasae_relu_in_place(&codes, Int64(codes.count))  // vectorized, as max(0, v)
            return codes
        case .topK(let k):
            return TopK.keep(k, ofEachOf: rows, rowsOf: pre, width: latentWidth)
        case .jumpReLU(let threshold):
            precondition(threshold.count == latentWidth && pre.count >= rows * latentWidth, "thresholds or rows do not fit the SAE")
            var codes = pre
            metasae_jump_relu_in_place(&codes, Int64(rows), Int64(latentWidth), threshold)  // vectorized
            return codes
        }
    }

    /// The codes of `rows` rows of `x` (over `storage`, as `preActivations`).
    public func encode(_ x: [Float], rows: Int, reusing storage: consuming [Float] = []) -> [Float] {
        activate(preActivations(x, rows: rows, reusing: consume storage), rows: rows)
    }

    /// `z · W_dec + b_dec` for `rows` rows of codes.
    public func decode(_ z: [Float], rows: Int) -> [Float] {
        var output = BLAS.product(z, decoderWeight, m: rows, k: latentWidth, n: inputWidth)
        Self.add(decoderBias, toEachOf: rows, rowsOf: &output)
        return output
    }

    /// Adds `bias` to each of `rows` rows of a row-major matrix (in C, where it vectorizes).
    public static func add(_ bias: [Float], toEachOf rows: Int, rowsOf matrix: inout [Float]) {
        precondition(matrix.count >= rows * bias.count, "matrix holds fewer than rows × width values")
        guard rows > 0, !bias.isEmpty else { return }
        metasae_add_to_rows(&matrix, Int64(rows), Int64(bias.count), bias)
    }
}
