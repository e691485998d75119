import CVectorKernels
import Foundation

/// Adam (Kingma & Ba) with PyTorch's defaults, one state per parameter tensor.
public struct Adam: Sendable {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    private var first: [[Float]] = []
    private var second: [[Float]] = []
    private var step = 0

    /// Tensors of at least this many values are updated as two halves side by
    /// side: the update streams its state, and each core then streams half.
    static let halvedCount = 1 << 15

    public init(learningRate: Float) {
        self.learningRate = learningRate
    }

    /// Updates every tensor in `parameters` with its gradient, in order;
    /// `scales[i]` multiplies the learning rate of tensor i.
    public mutating func update(_ parameters: inout [[Float]], gradients: [[Float]], scales: [Float] = []) {
        if first.isEmpty {
            first = parameters.map { [Float](repeating: 0, count: $0.count) }
            second = first
        }
        step += 1
        let correction1 = 1 - Float(pow(Double(beta1), Double(step)))
        let correction2 = 1 - Float(pow(Double(beta2), Double(step)))
        precondition(gradients.count == parameters.count && first.count == parameters.count, "one gradient and state per tensor")
        for tensor in parameters.indices {
            let count = parameters[tensor].count
            precondition(gradients[tensor].count == count && first[tensor].count == count && second[tensor].count == count,
                         "tensor \(tensor): parameter, gradient and optimizer state sizes differ")
            guard count > 0 else { continue }
            let stepSize = learningRate * (tensor < scales.count ? scales[tensor] : 1) / correction1
            let (beta1, beta2, epsilon) = (beta1, beta2, epsilon)
            // In C: the square root and divisions vectorize there (see CVectorKernels/adam.c).
            parameters[tensor].withUnsafeMutableBufferPointer { values in
                first[tensor].withUnsafeMutableBufferPointer { m in
                    second[tensor].withUnsafeMutableBufferPointer { v in
                        gradients[tensor].withUnsafeBufferPointer { g in
                            func update(_ range: Range<Int>) {
                                metasae_adam_update(values.baseAddress! + range.lowerBound, m.baseAddress! + range.lowerBound,
                                                    v.baseAddress! + range.lowerBound, g.baseAddress! + range.lowerBound,
                                                    Int64(range.count), beta1, beta2, epsilon, stepSize, correction2)
                            }
                            // Each value's update is its own: halves on two threads give the same values.
                            SideBySide.halves(count, minimum: Self.halvedCount, update)
                        }
                    }
                }
            }
        }
    }
}
