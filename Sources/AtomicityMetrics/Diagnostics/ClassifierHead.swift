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

    /// The predicted class of one depth-0 row.
    func predict(_ input: some Collection<Double>) -> Int {
        var values = Array(input)
        for (index, layer) in layers.enumerated() {
            var next = layer.bias
            for output in 0..<layer.outputs {
                let row = output * layer.inputs
                var sum = 0.0
                for column in 0..<layer.inputs { sum += layer.weight[row + column] * values[column] }
                next[output] += sum
            }
            if index < layers.count - 1 { next = next.map { max($0, 0) } }
            values = next
        }
        return values.indices.max { values[$0] < values[$1] } ?? 0
    }
}
