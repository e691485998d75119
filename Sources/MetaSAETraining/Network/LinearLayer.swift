import AtomicityMetrics
import CVectorKernels
import LinearAlgebra
import MetaSAEStore

/// A fully connected layer in PyTorch `nn.Linear` orientation:
/// `y = x · Wᵀ + b`, with `weight` stored [outputs × inputs].
public struct LinearLayer: Sendable, Equatable {
    public let inputs: Int
    public let outputs: Int
    public var weight: [Float]
    public var bias: [Float]

    /// PyTorch's default init: weight and bias ~ U(−1/√inputs, 1/√inputs).
    public init(inputs: Int, outputs: Int, generator: inout SeededGenerator) {
        self.inputs = inputs
        self.outputs = outputs
        let bound = 1 / Float(inputs).squareRoot()
        weight = (0..<(inputs * outputs)).map { _ in generator.uniform(-bound, bound) }
        bias = (0..<outputs).map { _ in generator.uniform(-bound, bound) }
    }

    /// [rows × outputs] = x[rows × inputs] · Wᵀ + b.
    public func forward(_ x: [Float], rows: Int) -> [Float] {
        var output = PairedProducts.product(x, weight, m: rows, k: inputs, n: outputs, transposeB: true)
        SAEWeights.add(bias, toEachOf: rows, rowsOf: &output)
        return output
    }
}

/// Gradients of one layer's parameters.
public struct LayerGradient: Sendable {
    public var weight: [Float]
    public var bias: [Float]
}

/// Small element-wise helpers over row-major buffers.
public enum Tensor {
    /// max(0, v) of each value (in C, where it vectorizes).
    public static func relu(_ values: consuming [Float]) -> [Float] {
        var codes = values
        metasae_relu_in_place(&codes, Int64(codes.count))
        return codes
    }

    /// Σ over rows, [width].
    public static func columnSums(_ matrix: [Float], rows: Int, width: Int) -> [Float] {
        precondition(matrix.count >= rows * width, "matrix holds fewer than rows × width values")
        var sums = [Float](repeating: 0, count: width)
        metasae_column_sums(matrix, Int64(rows), Int64(width), &sums)
        return sums
    }

    /// gradient where gate > 0, else 0: backpropagation through a ReLU
    /// (gate: its input) or through the codes that fired (gate: the codes).
    public static func gated(_ gradient: [Float], by gate: [Float]) -> [Float] {
        precondition(gradient.count == gate.count, "gradient and gate differ in size")
        return [Float](unsafeUninitializedCapacity: gradient.count) { out, initialized in
            if let base = out.baseAddress { metasae_gate(gradient, gate, Int64(gradient.count), base) }
            initialized = gradient.count
        }
    }
}
