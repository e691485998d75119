import Foundation
import HDF5

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
        /// W_enc, b_enc, W_dec or b_dec.
        var tensor: String
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
        var entries: [ConversionMapping.Entry] = []
        var bf16: [String] = []
        var notes: [String: String] = [:]

        // Labels.
        let labelCandidates = datasets.filter { Self.labelWords.contains($0.tokens.last?.lowercased() ?? "") && $0.dims.count == 1 }
        if labelCandidates.count > 1 {
            throw ConversionError.layout("several datasets could be the labels: " + labelCandidates.map(\.path).joined(separator: ", "))
        }
        guard let labels = labelCandidates.first else {
            throw ConversionError.layout("no labels found (looked for a 1-D dataset named labels, label, y, targets or target)")
        }
        entries.append(.init(source: labels.path, target: "labels"))

        // SAE parameters and classifier layers.
        var parameters: [Parameter] = []
        var classifier: [(layer: Int, tensor: String, dataset: SourceDataset)] = []
        for dataset in datasets where dataset.path != labels.path {
            let tokens = dataset.tokens
            guard let last = tokens.last else { continue }
            let lowered = tokens.map { $0.lowercased() }
            let isClassifier = lowered.contains { Self.classifierWords.contains($0) }
            func depth(before count: Int) -> Int? {
                tokens.dropLast(count).reversed().lazy.compactMap(Self.number).first
            }
            if isClassifier, ["weight", "bias"].contains(last), tokens.count >= 2, let layer = Self.number(in: tokens[tokens.count - 2]) {
                classifier.append((layer, last, dataset))
                continue
            }
            let saelens = ["W_enc", "b_enc", "W_dec", "b_dec"]
            if saelens.contains(last), let depth = depth(before: 1) {
                parameters.append(Parameter(dataset: dataset, depth: depth, tensor: last, linearNames: false, subtractsBias: false))
            } else if tokens.count >= 2, ["encoder", "decoder"].contains(tokens[tokens.count - 2].lowercased()),
                      ["weight", "bias"].contains(last), let depth = depth(before: 2) {
                let isEncoder = tokens[tokens.count - 2].lowercased() == "encoder"
                let tensor = (isEncoder ? (last == "weight" ? "W_enc" : "b_enc") : (last == "weight" ? "W_dec" : "b_dec"))
                parameters.append(Parameter(dataset: dataset, depth: depth, tensor: tensor, linearNames: true, subtractsBias: false))
            } else if last == "bias", tokens.count >= 2, !isClassifier, let depth = depth(before: 1),
                      Self.number(in: tokens[tokens.count - 2]) != nil {
                parameters.append(Parameter(dataset: dataset, depth: depth, tensor: "b_dec", linearNames: true, subtractsBias: true))
            }
        }

        // Activations: an activation word and a depth number in the path.
        var activations: [Int: [SourceDataset]] = [:]
        let used = Set(parameters.map(\.dataset.path) + classifier.map(\.dataset.path) + [labels.path])
        for dataset in datasets where !used.contains(dataset.path) {
            let tokens = dataset.tokens
            guard tokens.contains(where: Self.isActivationToken) else { continue }
            guard let depth = tokens.reversed().lazy.compactMap(Self.number).first else { continue }
            guard dataset.dims.count == 2 else {
                throw ConversionError.layout("\(dataset.path) looks like depth \(depth)'s activations but has shape \(dataset.dims); activations must be 2-D [N, F]")
            }
            activations[depth, default: []].append(dataset)
        }
        for (depth, candidates) in activations where candidates.count > 1 {
            throw ConversionError.layout("several datasets could be depth \(depth)'s activations: " + candidates.map(\.path).joined(separator: ", "))
        }

        // The depth chain.
        let saeDepths = Set(parameters.map(\.depth)).sorted()
        guard let deepest = saeDepths.last else {
            throw ConversionError.layout("no SAE weights found (looked for encoder.weight/decoder.weight, W_enc/W_dec, under a path with a depth number)")
        }
        if saeDepths != Array(1...deepest) {
            throw ConversionError.layout("SAE depths must be 1…D without gaps, found \(saeDepths)")
        }
        // Depth 0 must be stored; a missing deeper depth is an error unless
        // --recompute-missing asks for it to be encoded (see Converter).
        if activations[0] == nil {
            throw ConversionError.layout("no depth-0 activations found (looked for a 2-D dataset whose path has an activation word such as acts, activations, latents and the number 0)")
        }
        var widths: [Int] = [activations[0]![0].dims[1]]
        var saeAttributes: [String: ConversionMapping.SAEAttributes] = [:]
        for depth in 1...deepest {
            var byTensor: [String: Parameter] = [:]
            for parameter in parameters where parameter.depth == depth {
                if let existing = byTensor[parameter.tensor] {
                    throw ConversionError.layout("depth \(depth) has two candidates for \(parameter.tensor): \(existing.dataset.path) and \(parameter.dataset.path)")
                }
                byTensor[parameter.tensor] = parameter
            }
            for tensor in ["W_enc", "b_enc", "W_dec", "b_dec"] where byTensor[tensor] == nil {
                let known = byTensor.values.map(\.dataset.path).sorted().joined(separator: ", ")
                throw ConversionError.layout("SAE \(depth) has no \(tensor) (\(Self.describe(tensor))); found only \(known)")
            }
            let encoderBias = byTensor["b_enc"]!
            let decoderBias = byTensor["b_dec"]!
            guard encoderBias.dataset.dims.count == 1, decoderBias.dataset.dims.count == 1 else {
                throw ConversionError.layout("SAE \(depth)'s biases must be 1-D: \(encoderBias.dataset.path) \(encoderBias.dataset.dims), \(decoderBias.dataset.path) \(decoderBias.dataset.dims)")
            }
            let (input, latent) = (decoderBias.dataset.dims[0], encoderBias.dataset.dims[0])
            guard input == widths[depth - 1] else {
                throw ConversionError.layout("SAE \(depth) expects \(input) inputs (\(decoderBias.dataset.path)) but depth \(depth - 1) is \(widths[depth - 1]) wide")
            }
            widths.append(latent)
            let declared = groupAttributes[Self.parent(of: byTensor["W_enc"]!.dataset.path)]
            let subtracts = byTensor.values.contains(where: \.subtractsBias) ? 1 : (declared?.applyDecoderBias ?? 0)
            saeAttributes[String(depth)] = .init(activationFunction: declared?.activationFunction ?? "relu", applyDecoderBias: subtracts)
            for tensor in ["W_enc", "b_enc", "W_dec", "b_dec"] {
                let parameter = byTensor[tensor]!
                var transpose = false
                if tensor.hasPrefix("W") {
                    let expected = tensor == "W_enc" ? [input, latent] : [latent, input]
                    let dims = parameter.dataset.dims
                    if dims.count != 2 || (dims != expected && dims != expected.reversed()) {
                        throw ConversionError.layout("\(parameter.dataset.path) has shape \(dims); \(tensor) of SAE \(depth) must be \(expected) or its transpose")
                    }
                    if input != latent {
                        transpose = dims != expected
                        notes[parameter.dataset.path] = transpose ? "transposed: shape \(dims) fits the chain as [out, in]" : "shape \(dims) fits the chain"
                    } else {
                        let (choice, reason) = try squareOrientation(parameter, depth: depth, activations: activations,
                                                                     subtracts: subtracts != 0, byTensor: byTensor)
                        transpose = choice
                        notes[parameter.dataset.path] = "square \(dims): " + reason
                    }
                }
                if needsBF16(parameter.dataset) { bf16.append(parameter.dataset.path) }
                entries.append(.init(source: parameter.dataset.path, target: "depths/\(depth)/sae/\(tensor)",
                                     transpose: transpose, note: notes[parameter.dataset.path]))
            }
        }
        for depth in 0...deepest {
            guard let dataset = activations[depth]?.first else { continue }
            guard dataset.dims[1] == widths[depth] else {
                throw ConversionError.layout("\(dataset.path) is \(dataset.dims[1]) wide but depth \(depth) has width \(widths[depth])")
            }
            if needsBF16(dataset) { bf16.append(dataset.path) }
            entries.append(.init(source: dataset.path, target: "depths/\(depth)/activations"))
        }
        // Classifier layers, numbered in order of their module index.
        let layerIndices = Set(classifier.map(\.layer)).sorted()
        for (position, layer) in layerIndices.enumerated() {
            for tensor in ["weight", "bias"] {
                if let item = classifier.first(where: { $0.layer == layer && $0.tensor == tensor }) {
                    if needsBF16(item.dataset) { bf16.append(item.dataset.path) }
                    entries.append(.init(source: item.dataset.path, target: "classifier/layers/\(position)/\(tensor)"))
                }
            }
        }
        return ConversionMapping(entries: entries, sae: saeAttributes, bf16: bf16)
    }

    static func describe(_ tensor: String) -> String {
        switch tensor {
        case "W_enc": return "encoder weight: encoder.weight or W_enc"
        case "b_enc": return "encoder bias: encoder.bias or b_enc"
        case "W_dec": return "decoder weight: decoder.weight or W_dec"
        default: return "decoder bias: decoder.bias, bias or b_dec"
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

    /// Decides a square matrix: by the data when possible, else by its names.
    func squareOrientation(
        _ parameter: Parameter, depth: Int, activations: [Int: [SourceDataset]], subtracts: Bool,
        byTensor: [String: Parameter]
    ) throws -> (Bool, String) {
        switch squareRule {
        case .linear: return (true, "treated as nn.Linear [out, in] (--square linear)")
        case .saelens: return (false, "treated as SAELens [in, out] (--square saelens)")
        case .auto: break
        }
        let byName = parameter.linearNames
        let nameReason = byName ? "nn.Linear name, so [out, in]" : "SAELens name, so [in, out]"
        guard let below = activations[depth - 1]?.first, let above = activations[depth]?.first,
              !needsBF16(below), !needsBF16(above), !needsBF16(parameter.dataset),
              below.type.typeClass == .float, above.type.typeClass == .float else {
            return (byName, nameReason + " (no stored activations on both sides to decide from)")
        }
        let rows = min(256, below.dims[0], above.dims[0])
        let width = below.dims[1]
        let x = try sample(below.path, rows)
        let z = try sample(above.path, rows)
        let matrix = try sample(parameter.dataset.path, width)
        func bias(_ tensor: String) throws -> [Float] { try sample(byTensor[tensor]!.dataset.path, byTensor[tensor]!.dataset.dims[0]) }
        let encoderBias = try bias("b_enc")
        let decoderBias = try bias("b_dec")
        func errors(transposed: Bool) -> Double {
            func weight(_ i: Int, _ j: Int) -> Double { Double(transposed ? matrix[j * width + i] : matrix[i * width + j]) }
            var total = 0.0
            var scale = 0.0
            for row in 0..<rows {
                for j in 0..<width {
                    if parameter.tensor == "W_enc" {
                        var value = Double(encoderBias[j])
                        for i in 0..<width {
                            value += (Double(x[row * width + i]) - (subtracts ? Double(decoderBias[i]) : 0)) * weight(i, j)
                        }
                        let error = max(0, value) - Double(z[row * width + j])
                        total += error * error
                        scale += Double(z[row * width + j]) * Double(z[row * width + j])
                    } else {
                        var value = Double(decoderBias[j])
                        for i in 0..<width { value += Double(z[row * width + i]) * weight(i, j) }
                        let error = value - Double(x[row * width + j])
                        total += error * error
                        scale += Double(x[row * width + j]) * Double(x[row * width + j])
                    }
                }
            }
            return total / max(scale, 1e-30)
        }
        let asStored = errors(transposed: false)
        let flipped = errors(transposed: true)
        let what = parameter.tensor == "W_enc" ? "encoding depth \(depth - 1) reproduces depth \(depth)" : "decoding depth \(depth) reconstructs depth \(depth - 1)"
        // Trust the data only when one way fits well and clearly better than the other.
        if min(asStored, flipped) < 0.5 && min(asStored, flipped) < 0.5 * max(asStored, flipped) {
            let transpose = flipped < asStored
            return (transpose, "\(what) with relative error \(String(format: "%.2g", min(asStored, flipped))) "
                    + (transpose ? "transposed" : "as stored") + " vs \(String(format: "%.2g", max(asStored, flipped))) the other way")
        }
        return (byName, nameReason + " (the data did not tell the orientations apart)")
    }
}
