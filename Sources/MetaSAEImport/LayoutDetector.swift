import AtomicityMetrics
import Foundation
import HDF5
import MetaSAEStore

/// Guesses a `ConversionMapping` from names and shapes.
///
/// Roles come from names (state_dict, SAELens, dictionary_learning and the
/// usual activation and label names); depth numbers from the path; widths
/// from the biases, whose lengths do not depend on orientation; and the
/// orientation of every matrix from matching its shape to the chain. A
/// square matrix is decided by the data when both neighbouring activations
/// are stored (the orientation that reproduces them wins), else by the
/// naming convention (nn.Linear names are [out, in], SAELens names are
/// [in, out]), and `squareRule` can force either.
struct LayoutDetector {
    enum SquareRule: String, Sendable { case auto, linear, saelens }

    var datasets: [SourceDataset]
    var squareRule: SquareRule = .auto
    /// Reads a few leading rows of a source as Float, for the data test.
    var sample: (String, Int) throws -> [Float]

    /// One recognised parameter tensor.
    struct Parameter {
        var dataset: SourceDataset
        var depth: Int
        var tensor: CanonicalPaths.SAETensor
        /// True for nn.Linear names ([out, in] by convention).
        var linearNames: Bool
        /// dictionary_learning's lone `bias`: decoder bias, subtracted first.
        var subtractsBias: Bool
    }

    static let activationWords = ["act", "acts", "activation", "activations", "latent", "latents", "hidden", "hiddens",
                                  "feature", "features", "codes", "z"]
    static let labelWords = ["labels", "label", "y", "targets", "target"]
    static let classifierWords = ["classifier", "clf", "mlp", "model", "net", "base", "base_model"]

    /// A number in a token: `sae_1` → 1, `depth12` → 12, `3` → 3.
    static func number(in token: String) -> Int? {
        let digits = token.reversed().prefix { $0.isNumber }
        guard !digits.isEmpty else { return nil }
        return Int(String(digits.reversed()))
    }

    static func isActivationToken(_ token: String) -> Bool {
        let lowered = token.lowercased()
        let stem = String(lowered.prefix { !$0.isNumber }).trimmingCharacters(in: CharacterSet(charactersIn: "_-"))
        return activationWords.contains(stem) || activationWords.contains(lowered)
    }

    func detect() throws -> ConversionMapping {
        // A canonical file's null cascades are not part of the cascade an export holds.
        let detector = LayoutDetector(datasets: datasets.filter { !$0.path.hasPrefix("/" + CanonicalPaths.nullModels + "/") },
                                      squareRule: squareRule, sample: sample, groupAttributes: groupAttributes)
        return try detector.detectCascade()
    }

    func detectCascade() throws -> ConversionMapping {
        let labels = try findLabels()
        let (parameters, classifier) = findParameters(excluding: labels.path)
        let thresholds = findThresholds()
        let used = Set(parameters.map(\.dataset.path) + classifier.map(\.dataset.path) + thresholds.values.map(\.path) + [labels.path])
        let activations = try findActivations(excluding: used)
        let byDepth = try groupByDepth(parameters, activations: activations)
        var entries: [ConversionMapping.Entry] = [.init(source: labels.path, target: CanonicalTarget.labels.path)]
        var saeAttributes: [String: ConversionMapping.SAEAttributes] = [:]
        var bf16: [String] = []
        for (depth, tensors) in byDepth.enumerated().map({ ($0.offset + 1, $0.element) }) {
            let declared = groupAttributes[Self.parent(of: tensors[.encoderWeight]!.dataset.path)]
            let subtracts = tensors.values.contains(where: \.subtractsBias) ? 1 : (declared?.applyDecoderBias ?? 0)
            saeAttributes[String(depth)] = .init(activationFunction: declared?.activationFunction ?? "relu", applyDecoderBias: subtracts,
                                                 k: declared?.k)
            for tensor in CanonicalPaths.SAETensor.allCases {
                let parameter = tensors[tensor]!
                let (transpose, note) = try orientation(of: parameter, depth: depth, tensors: tensors, activations: activations,
                                                        subtracts: subtracts != 0)
                entries.append(.init(source: parameter.dataset.path, target: CanonicalTarget.sae(depth: depth, tensor: tensor).path,
                                     transpose: transpose, note: note))
            }
        }
        for (depth, dataset) in thresholds.sorted(by: { $0.key < $1.key }) where depth <= byDepth.count {
            entries.append(.init(source: dataset.path, target: CanonicalTarget.threshold(depth: depth).path))
        }
        for (depth, dataset) in activations.sorted(by: { $0.key < $1.key }) {
            entries.append(.init(source: dataset.path, target: CanonicalTarget.activations(depth: depth).path))
        }
        entries += classifierEntries(classifier)
        bf16 += entries.dropFirst().compactMap { entry in datasets.first { $0.path == entry.source && needsBF16($0) }?.path }
        return ConversionMapping(entries: entries, sae: saeAttributes, bf16: Array(Set(bf16)).sorted())
    }

    /// The one 1-D dataset with a label name.
    func findLabels() throws -> SourceDataset {
        let candidates = datasets.filter { Self.labelWords.contains($0.tokens.last?.lowercased() ?? "") && $0.dims.count == 1 }
        if candidates.count > 1 {
            throw ConversionError.undetected("several datasets could be the labels: " + candidates.map { Display.cut($0.path) }.joined(separator: ", "))
        }
        guard let labels = candidates.first else {
            throw ConversionError.undetected("no labels found (looked for a 1-D dataset named labels, label, y, targets or target)")
        }
        return labels
    }

    /// SAE parameters (by their state_dict, SAELens or dictionary_learning
    /// names, with the depth number nearest the name) and classifier layers.
    func findParameters(excluding labels: String) -> ([Parameter], [ClassifierTensor]) {
        var parameters: [Parameter] = []
        var classifier: [ClassifierTensor] = []
        for dataset in datasets where dataset.path != labels {
            let tokens = dataset.tokens
            guard let last = tokens.last else { continue }
            let isClassifier = tokens.contains { Self.classifierWords.contains($0.lowercased()) }
            func depth(before count: Int) -> Int? {
                tokens.dropLast(count).reversed().lazy.compactMap(Self.number).first
            }
            let linear = CanonicalPaths.LayerTensor(rawValue: last)
            if isClassifier, let linear, tokens.count >= 2, let layer = Self.number(in: tokens[tokens.count - 2]) {
                classifier.append(ClassifierTensor(layer: layer, tensor: linear, dataset: dataset))
            } else if let tensor = CanonicalPaths.SAETensor(rawValue: last), let depth = depth(before: 1) {
                parameters.append(Parameter(dataset: dataset, depth: depth, tensor: tensor, linearNames: false, subtractsBias: false))
            } else if tokens.count >= 2, ["encoder", "decoder"].contains(tokens[tokens.count - 2].lowercased()),
                      let linear, let depth = depth(before: 2) {
                let isEncoder = tokens[tokens.count - 2].lowercased() == "encoder"
                let tensor: CanonicalPaths.SAETensor = isEncoder
                    ? (linear == .weight ? .encoderWeight : .encoderBias) : (linear == .weight ? .decoderWeight : .decoderBias)
                parameters.append(Parameter(dataset: dataset, depth: depth, tensor: tensor, linearNames: true, subtractsBias: false))
            } else if linear == .bias, tokens.count >= 2, !isClassifier, let depth = depth(before: 1),
                      Self.number(in: tokens[tokens.count - 2]) != nil {
                parameters.append(Parameter(dataset: dataset, depth: depth, tensor: .decoderBias, linearNames: true, subtractsBias: true))
            }
        }
        return (parameters, classifier)
    }

    /// JumpReLU thresholds (SAELens's `threshold`), by the depth number nearest the name.
    func findThresholds() -> [Int: SourceDataset] {
        var found: [Int: SourceDataset] = [:]
        for dataset in datasets where dataset.tokens.last == CanonicalPaths.threshold && dataset.dims.count == 1 {
            if let depth = dataset.tokens.dropLast().reversed().lazy.compactMap(Self.number).first, depth <= Numbering.maximumDepth {
                found[depth] = dataset
            }
        }
        return found
    }

    /// Activations: an activation word and a depth number in the path, one per depth.
    func findActivations(excluding used: Set<String>) throws -> [Int: SourceDataset] {
        var activations: [Int: SourceDataset] = [:]
        for dataset in datasets where !used.contains(dataset.path) {
            let tokens = dataset.tokens
            guard tokens.contains(where: Self.isActivationToken),
                  let depth = tokens.reversed().lazy.compactMap(Self.number).first else { continue }
            try Self.requireDepthWithinCap(depth, dataset.path)
            guard dataset.dims.count == 2 else {
                throw ConversionError.undetected("\(Display.cut(dataset.path)) looks like depth \(depth)'s activations but has shape \(dataset.dims); activations must be 2-D [N, F]")
            }
            if let existing = activations[depth] {
                throw ConversionError.undetected("several datasets could be depth \(depth)'s activations: \(Display.cut(existing.path)), \(Display.cut(dataset.path))")
            }
            activations[depth] = dataset
        }
        // Depth 0 must be stored; a deeper depth may be missing (--recompute-missing).
        if activations[0] == nil {
            throw ConversionError.undetected("no depth-0 activations found (looked for a 2-D dataset whose path has an activation word such as acts, activations, latents and the number 0)")
        }
        return activations
    }

    /// The four tensors of each SAE depth 1…D, no depth missing, none twice.
    func groupByDepth(_ parameters: [Parameter], activations: [Int: SourceDataset]) throws -> [[CanonicalPaths.SAETensor: Parameter]] {
        for parameter in parameters { try Self.requireDepthWithinCap(parameter.depth, parameter.dataset.path) }
        let depths = Set(parameters.map(\.depth)).sorted()
        guard !depths.isEmpty else {
            throw ConversionError.undetected("no SAE weights found (looked for encoder.weight/decoder.weight, W_enc/W_dec, under a path with a depth number)")
        }
        guard Numbering.isDense(depths, from: 1) else {
            throw ConversionError.undetected("SAE depths must be 1…D without gaps, found \(depths.count <= 12 ? "\(depths)" : "\(depths.count) depths up to \(depths.last!)")")
        }
        return try depths.map { depth in
            var byTensor: [CanonicalPaths.SAETensor: Parameter] = [:]
            for parameter in parameters where parameter.depth == depth {
                if let existing = byTensor[parameter.tensor] {
                    throw ConversionError.undetected("depth \(depth) has two candidates for \(parameter.tensor.rawValue): \(Display.cut(existing.dataset.path)) and \(Display.cut(parameter.dataset.path))")
                }
                byTensor[parameter.tensor] = parameter
            }
            for tensor in CanonicalPaths.SAETensor.allCases where byTensor[tensor] == nil {
                let known = byTensor.values.map { Display.cut($0.dataset.path) }.sorted().joined(separator: ", ")
                throw ConversionError.undetected("SAE \(depth) has no \(tensor.rawValue) (\(Self.describe(tensor))); found only \(known)")
            }
            return byTensor
        }
    }

    static func requireDepthWithinCap(_ depth: Int, _ path: String) throws {
        if depth > Numbering.maximumDepth {
            throw ConversionError.undetected("\(Display.cut(path)) names depth \(depth), beyond the limit of \(Numbering.maximumDepth) depths")
        }
    }

    /// Whether a tensor must be transposed into canonical orientation, and
    /// why. Biases need none. A matrix is matched against the widths its
    /// biases give; one that fits neither way is left as stored, for the
    /// checker to report with its shape.
    func orientation(of parameter: Parameter, depth: Int, tensors: [CanonicalPaths.SAETensor: Parameter],
                     activations: [Int: SourceDataset], subtracts: Bool) throws -> (Bool, String?) {
        guard [.encoderWeight, .decoderWeight].contains(parameter.tensor), parameter.dataset.dims.count == 2,
              let decoderBias = tensors[.decoderBias]?.dataset.dims, let encoderBias = tensors[.encoderBias]?.dataset.dims,
              decoderBias.count == 1, encoderBias.count == 1 else { return (false, nil) }
        let (input, latent) = (decoderBias[0], encoderBias[0])
        let dims = parameter.dataset.dims
        let expected = parameter.tensor == .encoderWeight ? [input, latent] : [latent, input]
        guard dims == expected || dims == expected.reversed() else { return (false, nil) }
        if input != latent {
            let transpose = dims != expected
            return (transpose, transpose ? "transposed: shape \(dims) fits the chain as [out, in]" : "shape \(dims) fits the chain")
        }
        let (transpose, reason) = try squareOrientation(parameter, depth: depth, activations: activations, subtracts: subtracts, tensors: tensors)
        return (transpose, "square \(dims): " + reason)
    }

    /// Classifier layers, numbered in order of their module index.
    func classifierEntries(_ classifier: [ClassifierTensor]) -> [ConversionMapping.Entry] {
        var entries: [ConversionMapping.Entry] = []
        for (position, layer) in Set(classifier.map(\.layer)).sorted().enumerated() where position <= Numbering.maximumIndex {
            for tensor in CanonicalPaths.LayerTensor.allCases {
                if let item = classifier.first(where: { $0.layer == layer && $0.tensor == tensor }) {
                    entries.append(.init(source: item.dataset.path, target: CanonicalTarget.classifier(layer: position, tensor: tensor).path))
                }
            }
        }
        return entries
    }

    /// A classifier layer's weight or bias, by its module index.
    struct ClassifierTensor {
        var layer: Int
        var tensor: CanonicalPaths.LayerTensor
        var dataset: SourceDataset
    }

    static func describe(_ tensor: CanonicalPaths.SAETensor) -> String {
        switch tensor {
        case .encoderWeight: return "encoder weight: encoder.weight or W_enc"
        case .encoderBias: return "encoder bias: encoder.bias or b_enc"
        case .decoderWeight: return "decoder weight: decoder.weight or W_dec"
        case .decoderBias: return "decoder bias: decoder.bias, bias or b_dec"
        }
    }

    func needsBF16(_ dataset: SourceDataset) -> Bool {
        dataset.markedBF16
    }

    /// SAELens-style attributes (`activation_fn`, `apply_b_dec_to_input`)
    /// found on each group, keyed by the group's path.
    var groupAttributes: [String: DeclaredAttributes] = [:]

    static func parent(of path: String) -> String {
        let parts = path.split(separator: "/")
        return "/" + parts.dropLast().joined(separator: "/")
    }

    /// Largest square matrix decided by the data (bigger ones by their names).
    static let largestDataDecidedWidth = 4_096

    /// Decides a square matrix: by the data when possible, else by its names.
    /// The data decides only when both neighbouring depths are stored as
    /// floats with the widths the biases give; then the orientation whose
    /// forward pass reproduces the stored activations wins.
    func squareOrientation(
        _ parameter: Parameter, depth: Int, activations: [Int: SourceDataset], subtracts: Bool,
        tensors: [CanonicalPaths.SAETensor: Parameter]
    ) throws -> (Bool, String) {
        switch squareRule {
        case .linear: return (true, "treated as nn.Linear [out, in] (--square linear)")
        case .saelens: return (false, "treated as SAELens [in, out] (--square saelens)")
        case .auto: break
        }
        let byName = parameter.linearNames
        let nameReason = byName ? "nn.Linear name, so [out, in]" : "SAELens name, so [in, out]"
        let width = parameter.dataset.dims[0]
        guard let below = activations[depth - 1], let above = activations[depth],
              [below, above, parameter.dataset].allSatisfy({ !needsBF16($0) && $0.type.typeClass == .float }),
              below.dims.count == 2, above.dims.count == 2, below.dims[1] == width, above.dims[1] == width,
              width <= Self.largestDataDecidedWidth, let encoderBias = tensors[.encoderBias], let decoderBias = tensors[.decoderBias] else {
            return (byName, nameReason + " (no stored activations on both sides to decide from)")
        }
        let rows = min(256, below.dims[0], above.dims[0])
        let x = try sample(below.path, rows)
        let z = try sample(above.path, rows)
        let matrix = try sample(parameter.dataset.path, width)
        let biases = (encoder: try sample(encoderBias.dataset.path, width), decoder: try sample(decoderBias.dataset.path, width))
        guard x.count == rows * width, z.count == rows * width, matrix.count == width * width,
              biases.encoder.count == width, biases.decoder.count == width, rows > 0 else {
            return (byName, nameReason + " (the stored data is too short to decide from)")
        }
        /// Relative error of the forward pass with the matrix read one way.
        func error(transposed: Bool) -> Double {
            var weight = matrix
            if transposed {
                for i in 0..<width { for j in 0..<width { weight[j * width + i] = matrix[i * width + j] } }
            }
            let other = [Float](repeating: 0, count: width * width)
            let isEncoder = parameter.tensor == .encoderWeight
            let sae = SAEWeights(inputWidth: width, latentWidth: width,
                                 encoderWeight: isEncoder ? weight : other, encoderBias: biases.encoder,
                                 decoderWeight: isEncoder ? other : weight, decoderBias: biases.decoder,
                                 subtractsDecoderBias: subtracts)
            let (predicted, truth) = isEncoder ? (sae.encode(x, rows: rows), z) : (sae.decode(z, rows: rows), x)
            var total = 0.0
            var scale = 0.0
            for (value, target) in zip(predicted, truth) {
                total += Double(value - target) * Double(value - target)
                scale += Double(target) * Double(target)
            }
            return total / max(scale, 1e-30)
        }
        let asStored = error(transposed: false)
        let flipped = error(transposed: true)
        let what = parameter.tensor == .encoderWeight ? "encoding depth \(depth - 1) reproduces depth \(depth)" : "decoding depth \(depth) reconstructs depth \(depth - 1)"
        // Trust the data only when one way fits well and clearly better than the other.
        if min(asStored, flipped) < 0.5 && min(asStored, flipped) < 0.5 * max(asStored, flipped) {
            let transpose = flipped < asStored
            return (transpose, "\(what) with relative error \(String(format: "%.2g", min(asStored, flipped))) "
                    + (transpose ? "transposed" : "as stored") + " vs \(String(format: "%.2g", max(asStored, flipped))) the other way")
        }
        return (byName, nameReason + " (the data did not tell the orientations apart)")
    }
}
