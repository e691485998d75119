import MetaSAEStore

/// The stored classifier's layers after the one whose ReLU output is depth
/// 0: logits from depth-0 activations (ReLU between layers, none after
/// the last), to measure its accuracy on reconstructions.
public struct ClassifierHead: Sendable {
    struct Layer: Sendable {
        /// [outputs × inputs] row-major, as stored.
        let weight: [Double]
        let bias: [Double]
        let inputs: Int
        let outputs: Int
    }
    let layers: [Layer]

    /// The layers after `hiddenLayer` (which the checker proved to be a
    /// hidden layer with depth 0's width), or nil when the file does not say
    /// which layer depth 0 is. The analysis has already refused non-finite
    /// weights (`CheckedClassifier.requireFinite`).
    public init?(_ classifier: CheckedClassifier) throws {
        guard let hidden = classifier.hiddenLayer else { return nil }
        layers = try classifier.layers[hidden...].map { layer in
            Layer(weight: try layer.weight.floats().map(Double.init), bias: try layer.bias.floats().map(Double.init),
                  inputs: layer.inputs, outputs: layer.outputs)
        }
    }

    /// The predicted class of one depth-0 row: each output the bias plus
    /// the sum over the inputs in order, ReLU between layers.
    func predict(_ input: UnsafeBufferPointer<Double>) -> Int {
        var values = Array(input)
        var next: [Double] = []
        for (index, layer) in layers.enumerated() {
            next.removeAll(keepingCapacity: true)
            let hidden = index < layers.count - 1
            layer.weight.withUnsafeBufferPointer { weight in
                values.withUnsafeBufferPointer { values in
                    for output in 0..<layer.outputs {
                        let row = weight.baseAddress! + output * layer.inputs
                        var sum = 0.0
                        for column in 0..<layer.inputs { sum += row[column] * values[column] }
                        let value = layer.bias[output] + sum
                        next.append(hidden ? max(value, 0) : value)
                    }
                }
            }
            swap(&values, &next)
        }
        return values.indices.max { values[$0] < values[$1] } ?? 0
    }
}
