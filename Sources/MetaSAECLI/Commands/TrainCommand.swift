import ArgumentParser
import Foundation
import MetaSAEStore
import MetaSAETraining

/// Options shared by `train` and `run`.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Folder with the MNIST IDX files (gzipped or raw). Default: $METASAE_MNIST, else the bundled data/mnist found from the working folder or the executable's.")
    var mnist: String?

    @Option(help: "Number of SAE depths D (≥ 5 lets an exact Spearman test reach p < 0.05).")
    var depths = TrainingConfiguration().depths

    @Option(help: "Latent width of every SAE.")
    var width = TrainingConfiguration().saeWidth

    @Option(help: "seed: the seed's ReLU-L1 cascade; controlled: a TopK cascade with k = 8 at every depth, flat controls and 4 matched nulls. Options below override a design's choices.")
    var design = Design.seed

    @Option(help: "How every SAE is trained: relu-l1 (the seed's design), topk, batchtopk or jumprelu.")
    var architecture: SAEArchitecture?

    @Option(help: "relu-l1: L1 coefficient of the SAE loss.")
    var l1 = TrainingConfiguration().l1Coefficient

    @Option(help: "topk, batchtopk: active latents per row, one value or one per depth (16,12,8: the last repeats; default 8).")
    var k: String?

    @Option(name: .customLong("l0-target"), help: "jumprelu: the mean L0 to train toward, one value or one per depth; the L0 coefficient adapts.")
    var l0Target: String?

    @Option(name: .customLong("l0-coefficient"), help: "jumprelu: the L0 penalty's coefficient (its start, with --l0-target).")
    var l0Coefficient = TrainingConfiguration().l0Coefficient

    @Flag(inversion: .prefixedNo, help: "topk, batchtopk: the AuxK loss that revives dead latents (Gao et al. 2024).")
    var auxk = true

    @Flag(inversion: .prefixedNo, help: "Train a flat control per depth: an SAE of that depth's width and architecture on depth 0, its L0 matched to the depth's (default: on in the controlled design).")
    var flatControls: Bool?

    @Option(name: .customLong("matched-null-seeds"), help: "Random-init cascades with TopK codes at the trained cascade's L0 (default: 4 in the controlled design, else 0).")
    var matchedNullSeeds: Int?

    @Option(name: .customLong("sae-epochs"), help: "Epochs per SAE.")
    var saeEpochs = TrainingConfiguration().saeEpochs

    @Option(name: .customLong("sae-batch-size"), help: "Batch size of SAE training.")
    var saeBatchSize = TrainingConfiguration().saeBatchSize

    @Option(name: .customLong("sae-lr"), help: "Adam learning rate of SAE training.")
    var saeLearningRate = TrainingConfiguration().saeLearningRate

    @Option(name: .customLong("classifier-hidden"), help: "Hidden widths of the classifier, e.g. 256,128.")
    var classifierHidden = "256,128"

    @Option(name: .customLong("hidden-layer"), help: "Which hidden layer (1-based) gives depth 0.")
    var hiddenLayer = TrainingConfiguration().hiddenLayer

    @Option(name: .customLong("classifier-epochs"), help: "Classifier training epochs.")
    var classifierEpochs = TrainingConfiguration().classifierEpochs

    @Option(name: .customLong("classifier-batch-size"), help: "Classifier batch size.")
    var classifierBatchSize = TrainingConfiguration().classifierBatchSize

    @Option(name: .customLong("classifier-lr"), help: "Classifier Adam learning rate.")
    var classifierLearningRate = TrainingConfiguration().classifierLearningRate

    @Option(help: "Master random seed; the same seed gives the same file on the same machine.")
    var seed: UInt64 = 0

    @Option(name: .customLong("null-seeds"), help: "Random-init null cascades to store in the file.")
    var nullSeeds = TrainingConfiguration().nullSeeds

    @Option(name: .customLong("train-examples"), help: "Use only the first N training images.")
    var trainExamples: Int?

    @Option(name: .customLong("analysis-examples"), help: "Store activations of the first N test images (default: all 10,000).")
    var analysisExamples: Int?

    @Flag(inversion: .prefixedNo, help: "Store the analysis images under /images, compressed, for the feature browser's cards (default: on for run, off for train).")
    var images: Bool?

    @Option(help: "Store SAE latents in compressed-row form: on, off, auto (density < 0.1) or a density threshold.")
    var sparse = "off"

    @Flag(name: .customLong("store-null-activations"), help: "Store the null cascades' activations too (default: weights only; analysis recomputes them).")
    var storeNullActivations = false

    enum Design: String, ExpressibleByArgument, CaseIterable {
        case seed, controlled
    }

    func configuration() throws -> TrainingConfiguration {
        var config = design == .controlled ? TrainingConfiguration.controlled() : TrainingConfiguration()
        let hidden = classifierHidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !hidden.isEmpty, hidden.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--classifier-hidden takes positive widths, e.g. 256,128")
        }
        config.classifierHidden = hidden.compactMap { $0 }
        config.hiddenLayer = hiddenLayer
        config.classifierEpochs = classifierEpochs
        config.classifierBatchSize = classifierBatchSize
        config.classifierLearningRate = classifierLearningRate
        config.depths = depths
        config.saeWidth = width
        if let architecture { config.architecture = architecture }
        config.l1Coefficient = l1
        if let k { config.k = try Self.list(k, name: "--k") { Int($0).flatMap { $0 > 0 ? $0 : nil } } }
        if let flatControls { config.flatControls = flatControls }
        if let matchedNullSeeds { config.matchedNullSeeds = matchedNullSeeds }
        config.l0Target = try l0Target.map { try Self.list($0, name: "--l0-target") { Double($0).flatMap { $0 > 0 ? $0 : nil } } }
        config.l0Coefficient = l0Coefficient
        config.auxK = auxk
        config.saeEpochs = saeEpochs
        config.saeBatchSize = saeBatchSize
        config.saeLearningRate = saeLearningRate
        config.seed = seed
        config.nullSeeds = nullSeeds
        config.trainExamples = trainExamples
        config.analysisExamples = analysisExamples
        config.storeImages = images ?? false
        config.storeNullActivations = storeNullActivations
        guard SparseStorage(argument: sparse) != nil else { throw ValidationError("--sparse takes on, off, auto or a density in (0, 1]") }
        config.sparse = sparse
        return config
    }

    /// A value, or comma-separated values per depth.
    static func list<T>(_ text: String, name: String, _ parse: (String) -> T?) throws -> [T] {
        let values = text.split(separator: ",").map { parse($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw ValidationError("\(name) takes a positive number or one per depth, e.g. 16,12,8")
        }
        return values.compactMap { $0 }
    }

    /// --mnist, or the bundled copy wherever the command runs from.
    func loadMNIST() throws -> (data: MNIST, folder: String) {
        let folder = try mnist ?? BundledMNIST.locate()
        do {
            return (try MNIST(folder: folder), folder)
        } catch let error as IDXFile.Failure {
            let status: ExitStatus
            if case .unreadable = error { status = .notFound } else { status = .corrupt }
            throw CommandFailure(status: status, description: error.description)
        }
    }
}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the MNIST classifier and the meta-SAE cascade, and write one canonical file.",
        discussion: """
            The classifier (default 784-256-128-10, ReLU, Adam, cross-entropy) trains on the \
            MNIST training images; depth 0 is the ReLU output of --hidden-layer. SAE 1 trains \
            on depth-0 activations of the training images, each deeper SAE on the previous \
            depth's latents. The file stores labels and the activations of every depth for the \
            test images, all weights with their hyper-parameters and seeds, the classifier, and \
            --null-seeds random-init cascades. It is written in row blocks to a temporary file \
            and renamed into place when complete.
            """)

    @Option(help: "The canonical HDF5 file to write.")
    var out = "runs/metasae.h5"

    @OptionGroup var training: TrainingOptions

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws { _ = try training.configuration() }

    func run() throws {
        try reportingFailures {
            let summary = try Self.train(training, output: out, quiet: quiet)
            if !quiet { print("wrote \(out) (\(summary.phaseLine))") }
        }
    }

    static func train(_ options: TrainingOptions, output: String, quiet: Bool,
                      observer: TerminalTraining? = nil) throws -> TrainingSummary {
        FreedMemory.keepForReuse()
        let config = try options.configuration()
        let mnist = try options.loadMNIST()
        try OutputFolder.prepareParent(of: output)
        let observer = observer ?? TerminalTraining(quiet: quiet)
        return try CascadeTrainer(configuration: config, toolVersion: "metasae \(MetaSAE.version)")
            .run(mnist: mnist.data, output: output, source: "metasae train on MNIST (\(mnist.folder))", observer: observer)
    }
}

extension TrainingSummary {
    /// "cascade 14.5s, classifier 6.3s, write 0.8s".
    var phaseLine: String {
        seconds.sorted { $0.key < $1.key }.map { String(format: "%@ %.1fs", $0.key, $0.value) }.joined(separator: ", ")
    }
}

extension SAEArchitecture: ExpressibleByArgument {}
