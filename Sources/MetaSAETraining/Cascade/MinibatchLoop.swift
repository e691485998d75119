import LinearAlgebra

/// Shuffled minibatch epochs over an in-memory row-major matrix.
struct MinibatchLoop {
    var rows: Int
    var width: Int
    var batchSize: Int
    var epochs: Int
    var seed: UInt64

    /// Calls `step` with each batch's rows (copied) and their indices;
    /// `step` returns the batch loss. Returns the mean loss of each epoch.
    func run(stage: String, observer: any TrainingObserver, data: [Float],
             step: ([Float], [Int]) -> Float) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<rows)
        var epochLosses: [Float] = []
        let batches = (rows + batchSize - 1) / batchSize
        for epoch in 0..<epochs {
            order.shuffle(using: &generator)
            var total: Double = 0
            var batch = [Float](repeating: 0, count: batchSize * width)
            for index in 0..<batches {
                let members = Array(order[(index * batchSize)..<min(rows, (index + 1) * batchSize)])
                if batch.count != members.count * width { batch = [Float](repeating: 0, count: members.count * width) }
                data.withUnsafeBufferPointer { source in
                    batch.withUnsafeMutableBufferPointer { target in
                        for (position, row) in members.enumerated() {
                            (target.baseAddress! + position * width)
                                .update(from: source.baseAddress! + row * width, count: width)
                        }
                    }
                }
                total += Double(step(batch, members))
                observer.progress(stage: "\(stage) epoch \(epoch + 1)/\(epochs)", done: index + 1, total: batches,
                                  loss: Float(total / Double(index + 1)))
            }
            epochLosses.append(Float(total / Double(batches)))
        }
        return epochLosses
    }
}
