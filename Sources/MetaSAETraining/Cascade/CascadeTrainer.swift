import AtomicityMetrics
import CFloatEnvironment
import CVectorKernels
import Foundation
import LinearAlgebra
import MetaSAEStore

/// What training produced, for the log, the report and the tests.
public struct TrainingSummary: Sendable, Codable {
    public var output: String
    public var testAccuracy: Double
    public var classifierEpochLosses: [Float]
    /// Per SAE depth: the loss of each epoch and the fit on its training data.
    public var saeEpochLosses: [[Float]]
    public var fits: [AutoencoderFit]
    /// The flat controls' fits on the training images, by depth.
    public var flatFits: [AutoencoderFit]
    public var analysisExamples: Int
    public var seconds: [String: Double]
}

/// Trains the classifier and the meta-SAE cascade on MNIST and writes one
/// canonical file: labels, activations of every depth for the analysis
/// (test) images, weights with their hyper-parameters, classifier weights
/// and, when asked, random-init null cascades.
public struct CascadeTrainer: Sendable {
    public var configuration: TrainingConfiguration
    public var toolVersion: String

    public init(configuration: TrainingConfiguration, toolVersion: String) {
        self.configuration = configuration
        self.toolVersion = toolVersion
    }

    public func run(mnist: MNIST, output: String, source: String, observer: any TrainingObserver = SilentTraining()) throws -> TrainingSummary {
        let config = configuration
        try validate(config)
        // ReLU nets on the CPU crawl through denormals; flush them (this thread).
        let previousEnvironment = metasae_flush_denormals()
        defer { metasae_restore_float_environment(previousEnvironment) }
        var seconds: [String: Double] = [:]
        var clock = Date()
        func lap(_ name: String) {
            seconds[name] = Date().timeIntervalSince(clock)
            clock = Date()
        }

        let trainCount = min(config.trainExamples ?? mnist.train.count, mnist.train.count)
        let analysisCount = min(config.analysisExamples ?? mnist.test.count, mnist.test.count)
        let trainX = MNIST.normalized(mnist.train.pixels[0..<(trainCount * MNIST.Split.pixelCount)])
        let trainLabels = Array(mnist.train.labels[0..<trainCount])

        // 1. The classifier.
        var classifier = MLPClassifier(widths: [MNIST.Split.pixelCount] + config.classifierHidden + [10], seed: config.classifierSeed)
        var optimizer = Adam(learningRate: config.classifierLearningRate)
        let classifierLosses = MinibatchLoop(
            rows: trainCount, width: MNIST.Split.pixelCount, batchSize: config.classifierBatchSize,
            epochs: config.classifierEpochs, seed: config.shuffleSeed(stage: 0)
        ).run(stage: "classifier", observer: observer, data: trainX) { batch, members in
            let (loss, gradients) = classifier.lossAndGradients(batch, labels: members.map { trainLabels[$0] }, rows: members.count)
            classifier.apply(gradients, optimizer: &optimizer)
            return loss
        }
        let accuracy = classifier.accuracy(mnist.test)
        observer.log(String(format: "classifier %@: test accuracy %.4f (loss %.4f)", config.classifierArchitecture, accuracy, classifierLosses.last ?? .nan))
        lap("classifier")

        // 2. The cascade: SAE d trains on depth d−1's activations of the training images.
        let base = classifier.hiddenActivations(trainX, rows: trainCount, layer: config.hiddenLayer)
        let baseWidth = config.classifierHidden[config.hiddenLayer - 1]
        var current = base
        var width = baseWidth
        var saes: [SparseAutoencoder] = []
        var saeLosses: [[Float]] = []
        var fits: [AutoencoderFit] = []
        var scales: [Float] = []
        var spare: [Float] = []
        for depth in 1...config.depths {
            let trained = trainSAE(on: current, rows: trainCount, width: width, objective: config.objective(depth: depth),
                                   seed: config.saeSeed(depth: depth), shuffleSeed: config.shuffleSeed(stage: depth),
                                   stage: "SAE \(depth)/\(config.depths)", observer: observer, spare: &spare)
            observer.log("depth \(depth): " + trained.fit.line(input: width, losses: trained.losses, sae: trained.sae))
            // This depth's input is read no more (depth 0's stays, for the controls): the next depth writes over it.
            if depth > 1 { spare = current }
            current = trained.latents
            width = config.saeWidth
            saes.append(trained.sae)
            saeLosses.append(trained.losses)
            fits.append(trained.fit)
            scales.append(trained.scale)
        }
        spare = []
        lap("cascade")

        // 3. The controls, matched to the cascade's L0 on the training images.
        let targets = fits.map(\.meanL0)
        let flat = config.flatControls
            ? trainFlatControls(base: base, rows: trainCount, width: baseWidth, targets: targets, observer: observer) : []
        let matched = matchedNulls(widths: [baseWidth] + saes.map(\.weights.latentWidth), targets: targets)
        if config.flatControls || config.matchedNullSeeds > 0 { lap("controls") }

        // 4. The file, written in row blocks of the analysis images.
        try write(output: output, source: source, mnist: mnist, analysisCount: analysisCount,
                  classifier: classifier, accuracy: accuracy, saes: saes, scales: scales,
                  densities: fits.map { $0.meanL0 / Double(max($0.latentWidth, 1)) }, flat: flat, matched: matched)
        lap("write")
        return TrainingSummary(output: output, testAccuracy: accuracy, classifierEpochLosses: classifierLosses,
                               saeEpochLosses: saeLosses, fits: fits, flatFits: flat.map(\.trained.fit),
                               analysisExamples: analysisCount, seconds: seconds)
    }

    /// One SAE trained on `data` as the objective says.
    struct TrainedSAE {
        var sae: SparseAutoencoder
        var losses: [Float]
        var fit: AutoencoderFit
        /// σ, the inputs' RMS, folded into the stored SAE.
        var scale: Float
        /// The SAE's codes of `data`.
        var latents: [Float]
    }

    /// Trains on x/σ (σ = RMS of the inputs) so one coefficient means the
    /// same at every depth, then folds σ back in: each activation is
    /// positively homogeneous, so act(x·W + σb; σθ) = σ·act(x/σ·W + b; θ).
    /// `spare`, a dead buffer (its values unused), holds x/σ and then the
    /// codes, so no fresh memory is faulted in for either; it is left empty.
    func trainSAE(on data: [Float], rows: Int, width: Int, objective: SAEObjective, seed: UInt64, shuffleSeed: UInt64,
                  stage: String, observer: any TrainingObserver, spare: inout [Float]) -> TrainedSAE {
        let config = configuration
        let scale = Self.rootMeanSquare(data)
        let storage = spare
        spare = []
        let normalized = scale > 0 ? Self.divide(data, by: scale, reusing: consume storage) : data
        var sae = SparseAutoencoder(inputWidth: width, latentWidth: config.saeWidth, objective: objective, seed: seed)
        var optimizer = Adam(learningRate: config.saeLearningRate)
        let losses = MinibatchLoop(rows: rows, width: width, batchSize: config.saeBatchSize, epochs: config.saeEpochs, seed: shuffleSeed)
            .run(stage: stage, observer: observer, data: normalized) { batch, members in
                sae.trainStep(batch, rows: members.count, optimizer: &optimizer)
            }
        if scale > 0 { sae.rescaleInputs(by: scale) }
        // x/σ is read no more: the codes are written over it.
        let latents = sae.encode(data, rows: rows, reusing: consume normalized)
        let fit = AutoencoderFit(sae: sae, data: data, latents: latents, rows: rows)
        return TrainedSAE(sae: sae, losses: losses, fit: fit, scale: scale, latents: latents)
    }

    /// Each value divided by `divisor` (in C, where the division vectorizes),
    /// written over `storage` (its values unused).
    static func divide(_ values: [Float], by divisor: Float, reusing storage: consuming [Float] = []) -> [Float] {
        [Float].written(count: values.count, reusing: consume storage) { out in
            if let base = out.baseAddress { metasae_divide(values, Int64(values.count), divisor, base) }
        }
    }

    /// √(mean x²) over every element.
    static func rootMeanSquare(_ values: [Float]) -> Float {
        guard !values.isEmpty else { return 0 }
        let sum = values.reduce(0.0) { $0 + Double($1) * Double($1) }
        return Float((sum / Double(values.count)).squareRoot())
    }

    func validate(_ config: TrainingConfiguration) throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw TrainingError.configuration(message) }
        }
        try require(!config.classifierHidden.isEmpty && config.classifierHidden.allSatisfy { $0 > 0 }, "classifier hidden widths must be positive")
        try require((1...config.classifierHidden.count).contains(config.hiddenLayer),
                    "--hidden-layer must be between 1 and \(config.classifierHidden.count)")
        try require(config.depths >= 1, "--depths must be at least 1")
        try require(config.saeWidth > 0, "--width must be positive")
        try require(config.l1Coefficient >= 0, "--l1 must be ≥ 0")
        try require(!config.k.isEmpty && config.k.allSatisfy { $0 >= 1 && $0 <= config.saeWidth }, "--k must lie in 1…--width")
        try require(config.l0Target.map { !$0.isEmpty && $0.allSatisfy { $0 > 0 && $0 <= Double(config.saeWidth) } } ?? true,
                    "--l0-target must lie in (0, --width]")
        try require(config.l0Coefficient >= 0, "--l0-coefficient must be ≥ 0")
        try require(config.classifierEpochs >= 0 && config.saeEpochs >= 0, "epochs must be ≥ 0")
        try require(config.classifierBatchSize > 0 && config.saeBatchSize > 0, "batch sizes must be positive")
        try require(config.classifierLearningRate > 0 && config.saeLearningRate > 0, "learning rates must be positive")
        try require(config.seed <= TrainingConfiguration.largestSeed, "--seed must be below 2^32 (4294967296)")
        try require(config.nullSeeds >= 0 && config.nullSeeds < 1_000_000, "--null-seeds must lie in 0…999999")
        try require(config.matchedNullSeeds >= 0 && config.matchedNullSeeds < 1_000_000, "--matched-null-seeds must lie in 0…999999")
        try require((config.trainExamples ?? 1) > 0 && (config.analysisExamples ?? 1) > 0, "example counts must be positive")
        try require(SparseStorage(argument: config.sparse) != nil, "--sparse takes on, off, auto or a density in (0, 1]")
    }

    func write(output: String, source: String, mnist: MNIST, analysisCount: Int,
               classifier: MLPClassifier, accuracy: Double, saes: [SparseAutoencoder], scales: [Float],
               densities: [Double], flat: [FlatControl], matched: [[SAEWeights]]) throws {
        let config = configuration
        let writer = try CanonicalWriter(destination: output, source: source, seed: Int(truncatingIfNeeded: config.seed),
                                         toolVersion: toolVersion)
        try writer.setRootAttribute("training_configuration", String(decoding: try JSONEncoder.sorted.encode(config), as: UTF8.self))
        try writer.writeLabels(mnist.test.labels[0..<analysisCount].map(Int64.init))

        try writer.writeClassifier(classifier.layers.map { ($0.weight, $0.bias, $0.inputs, $0.outputs) },
                                   architecture: config.classifierArchitecture, hiddenLayer: config.hiddenLayer, testAccuracy: accuracy)

        for (index, sae) in saes.enumerated() {
            try writer.writeSAE(depth: index + 1, sae.inferenceWeights, extra: sae.trainingAttributes(config, seed: config.saeSeed(depth: index + 1), scale: scales[index]))
        }
        let widths = [config.classifierHidden[config.hiddenLayer - 1]] + saes.map(\.weights.latentWidth)
        let nulls = (0..<config.nullSeeds).map { RandomCascade.cascade(widths: widths, seed: config.nullSeed($0)) }
        for (index, cascade) in nulls.enumerated() {
            try writer.writeCascade(under: CanonicalPaths.nullModel(index), seed: config.nullSeed(index),
                                    initialisation: "torch.nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in))", saes: cascade)
        }

        // Activations of the analysis images, every depth, one block at a time;
        // SAE depths whose training latents were sparse enough in compressed rows.
        let storage = SparseStorage(argument: config.sparse) ?? .never
        let sinks: [ActivationSink] = try widths.indices.map { depth in
            if depth >= 1 && storage.useSparse(density: densities[depth - 1]) {
                return .sparse(try writer.sparseActivations(depth: depth, width: widths[depth]))
            }
            return try writer.denseActivations(depth: depth, width: widths[depth])
        }
        let nullDatasets = try (config.storeNullActivations ? nulls.indices : 0..<0).map { index in
            try (1..<widths.count).map { try writer.denseActivations(depth: $0, width: widths[$0], under: CanonicalPaths.nullModel(index)) }
        }
        for (index, cascade) in matched.enumerated() {
            try writer.writeCascade(under: CanonicalPaths.matchedNull(index), seed: config.matchedNullSeed(index),
                                    initialisation: "torch.nn.Linear default, TopK codes at the trained cascade's rounded L0", saes: cascade)
        }
        let flatSinks = try flat.map { control in
            try writer.flatControl(depth: control.depth, control.trained.sae.inferenceWeights, targetL0: control.targetL0,
                                   extra: control.trained.sae.trainingAttributes(config, seed: config.flatSeed(depth: control.depth),
                                                                                scale: control.trained.scale))
        }
        let images = config.storeImages ? try writer.images(pixels: MNIST.Split.pixelCount) : nil
        for block in CanonicalWriter.blocks(rows: analysisCount, blockRows: DebugHooks.writeBlockRows(default: 4_096)) {
            let pixels = mnist.test.pixels[(block.lowerBound * MNIST.Split.pixelCount)..<(block.upperBound * MNIST.Split.pixelCount)]
            try images?.append(Array(pixels))
            let base = classifier.hiddenActivations(MNIST.normalized(pixels), rows: block.count, layer: config.hiddenLayer)
            try sinks[0].append(base)
            DebugHooks.afterBlock()
            var latents = base
            for (index, sae) in saes.enumerated() {
                latents = sae.encode(latents, rows: block.count)
                try sinks[index + 1].append(latents)
            }
            for (control, sink) in zip(flat, flatSinks) {
                try sink.append(control.trained.sae.encode(base, rows: block.count))
            }
            for (index, cascade) in nulls.enumerated() where index < nullDatasets.count {
                var nullLatents = base
                for (depth, sae) in cascade.enumerated() {
                    nullLatents = sae.encode(nullLatents, rows: block.count)
                    try nullDatasets[index][depth].append(nullLatents)
                }
            }
        }
        try writer.commit()
    }
}

public enum TrainingError: Error, CustomStringConvertible {
    case configuration(String)
    public var description: String {
        switch self {
        case .configuration(let message): return message
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
