import Foundation
import LinearAlgebra

/// A ReLU multilayer perceptron for MNIST, trained with Adam on cross-entropy.
public struct MLPClassifier: Sendable {
    public var layers: [LinearLayer]

    /// `widths` includes input and output, e.g. [784, 256, 128, 10].
    public init(widths: [Int], seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        layers = (1..<widths.count).map { LinearLayer(inputs: widths[$0 - 1], outputs: widths[$0], generator: &generator) }
    }


    /// Pre-activations of every layer (the last are the logits).
    struct Trace {
        var inputs: [Float]
        var preActivations: [[Float]]
        /// ReLU outputs of hidden layers; `hidden[i]` feeds layer i + 1.
        var hidden: [[Float]]
    }

    func trace(_ x: [Float], rows: Int) -> Trace {
        var current = x
        var pre: [[Float]] = []
        var hidden: [[Float]] = []
        for (index, layer) in layers.enumerated() {
            let output = layer.forward(current, rows: rows)
            pre.append(output)
            if index < layers.count - 1 {
                current = Tensor.relu(output)
                hidden.append(current)
            }
        }
        return Trace(inputs: x, preActivations: pre, hidden: hidden)
    }

    /// Logits [rows × 10].
    public func logits(_ x: [Float], rows: Int) -> [Float] {
        trace(x, rows: rows).preActivations.last!
    }

    /// ReLU output of hidden layer `layer` (1-based), [rows × width].
    public func hiddenActivations(_ x: [Float], rows: Int, layer: Int) -> [Float] {
        var current = x
        for index in 0..<layer { current = Tensor.relu(layers[index].forward(current, rows: rows)) }
        return current
    }

    /// Mean cross-entropy and the gradient of every layer.
    public func lossAndGradients(_ x: [Float], labels: [UInt8], rows: Int) -> (Float, [LayerGradient]) {
        let trace = trace(x, rows: rows)
        let classes = layers.last!.outputs
        let logits = trace.preActivations.last!
        // Softmax cross-entropy; d(loss)/d(logits) = (p − onehot) / rows.
        var delta = [Float](repeating: 0, count: rows * classes)
        var loss: Double = 0
        for row in 0..<rows {
            let base = row * classes
            let top = logits[base..<(base + classes)].max()!
            var total: Double = 0
            for column in 0..<classes { total += exp(Double(logits[base + column] - top)) }
            let label = Int(labels[row])
            loss += log(total) - Double(logits[base + label] - top)
            for column in 0..<classes {
                let probability = exp(Double(logits[base + column] - top)) / total
                delta[base + column] = Float((probability - (column == label ? 1 : 0)) / Double(rows))
            }
        }
        var gradients = [LayerGradient](repeating: LayerGradient(weight: [], bias: []), count: layers.count)
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[index]
            let input = index == 0 ? trace.inputs : trace.hidden[index - 1]
            // dW[out × in] = deltaᵀ[out × rows] · input[rows × in]
            let weight = PairedProducts.product(delta, input, m: layer.outputs, k: rows, n: layer.inputs, transposeA: true)
            gradients[index] = LayerGradient(weight: weight, bias: Tensor.columnSums(delta, rows: rows, width: layer.outputs))
            if index > 0 {
                // d(input)[rows × in] = delta · W
                let upstream = PairedProducts.product(delta, layer.weight, m: rows, k: layer.outputs, n: layer.inputs)
                delta = Tensor.gated(upstream, by: trace.preActivations[index - 1])
            }
        }
        return (Float(loss / Double(rows)), gradients)
    }

    /// Applies one Adam step.
    public mutating func apply(_ gradients: [LayerGradient], optimizer: inout Adam) {
        // Moved out, not shared, so the update writes them in place instead of copying each.
        var parameters: [[Float]] = []
        for index in layers.indices {
            parameters += [layers[index].weight, layers[index].bias]
            (layers[index].weight, layers[index].bias) = ([], [])
        }
        optimizer.update(&parameters, gradients: gradients.flatMap { [$0.weight, $0.bias] })
        for index in layers.indices {
            layers[index].weight = parameters[2 * index]
            layers[index].bias = parameters[2 * index + 1]
        }
    }

    /// Share of examples whose arg-max logit is the label.
    public func accuracy(_ split: MNIST.Split, batchRows: Int = 2_000) -> Double {
        var correct = 0
        for start in stride(from: 0, to: split.count, by: batchRows) {
            let rows = min(batchRows, split.count - start)
            let x = MNIST.normalized(split.pixels[(start * MNIST.Split.pixelCount)..<((start + rows) * MNIST.Split.pixelCount)])
            let output = logits(x, rows: rows)
            for row in 0..<rows {
                let scores = output[(row * 10)..<((row + 1) * 10)]
                let predicted = scores.indices.max { scores[$0] < scores[$1] }! - row * 10
                if predicted == Int(split.labels[start + row]) { correct += 1 }
            }
        }
        return Double(correct) / Double(max(split.count, 1))
    }
}
