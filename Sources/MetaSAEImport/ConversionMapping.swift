import MetaSAEStore

/// Which source dataset becomes which canonical object: what layout
/// detection produces, what `--emit-mapping` writes, and what `--mapping`
/// reads for layouts detection cannot handle. Described in
/// `schemas/convert-mapping-v1.md`.
public struct ConversionMapping: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        /// Absolute path of a dataset in the input file.
        public var source: String
        /// Canonical path: `labels`, `depths/3/activations`,
        /// `depths/3/sae/W_enc` (b_enc, W_dec, b_dec), `classifier/layers/0/weight`, …
        public var target: String
        /// Transpose a 2-D source into the canonical orientation.
        public var transpose: Bool?
        /// Why detection chose this (printed by --dry-run; ignored on input).
        public var note: String?

        public init(source: String, target: String, transpose: Bool = false, note: String? = nil) {
            self.source = source
            self.target = target
            self.transpose = transpose ? true : nil
            self.note = note
        }

        public var transposed: Bool { transpose ?? false }
    }

    public struct SAEAttributes: Codable, Sendable, Equatable {
        public var activation_fn: String?
        public var apply_b_dec_to_input: Int?
        /// TopK's k.
        public var k: Int?

        public init(activationFunction: String? = nil, applyDecoderBias: Int? = nil, k: Int? = nil) {
            activation_fn = activationFunction
            apply_b_dec_to_input = applyDecoderBias
            self.k = k
        }
    }

    public var format: String
    public var version: Int
    public var entries: [Entry]
    /// Per SAE depth ("1", "2", …): encoder attributes.
    public var sae: [String: SAEAttributes]?
    /// Sources that hold bfloat16 bits (uint16 or 2-byte opaque).
    public var bf16: [String]?

    public static let formatName = "metasae/convert-mapping"

    public init(entries: [Entry], sae: [String: SAEAttributes] = [:], bf16: [String] = []) {
        format = Self.formatName
        version = 1
        self.entries = entries
        self.sae = sae.isEmpty ? nil : sae
        self.bf16 = bf16.isEmpty ? nil : bf16
    }

    /// The entry whose target is `target`, if any.
    public func entry(for target: String) -> Entry? {
        entries.first { $0.target == target }
    }

    /// The entry for a parsed target, if any.
    public func entry(for target: CanonicalTarget) -> Entry? {
        entry(for: target.path)
    }
}

/// A parsed canonical target path, spelled through `CanonicalPaths`.
public enum CanonicalTarget: Equatable, Sendable {
    case labels
    case activations(depth: Int)
    case sae(depth: Int, tensor: CanonicalPaths.SAETensor)
    /// A JumpReLU SAE's thresholds.
    case threshold(depth: Int)
    case classifier(layer: Int, tensor: CanonicalPaths.LayerTensor)

    public init?(parsing path: String) {
        let parts = path.split(separator: "/").map(String.init)
        func number(_ text: String, from first: Int, limit: Int) -> Int? {
            Numbering.parse(text, limit: limit).flatMap { $0 >= first ? $0 : nil }
        }
        switch parts.count {
        case 1 where parts[0] == CanonicalPaths.labels:
            self = .labels
        case 3 where parts[0] == CanonicalPaths.depths && parts[2] == CanonicalPaths.DepthMember.activations.rawValue:
            guard let depth = number(parts[1], from: 0, limit: Numbering.maximumDepth) else { return nil }
            self = .activations(depth: depth)
        case 4 where parts[0] == CanonicalPaths.depths && parts[2] == CanonicalPaths.DepthMember.sae.rawValue:
            guard let depth = number(parts[1], from: 1, limit: Numbering.maximumDepth) else { return nil }
            if parts[3] == CanonicalPaths.threshold {
                self = .threshold(depth: depth)
                return
            }
            guard let tensor = CanonicalPaths.SAETensor(rawValue: parts[3]) else { return nil }
            self = .sae(depth: depth, tensor: tensor)
        case 4 where parts[0] == CanonicalPaths.classifier && parts[1] == CanonicalPaths.layers:
            guard let layer = number(parts[2], from: 0, limit: Numbering.maximumIndex),
                  let tensor = CanonicalPaths.LayerTensor(rawValue: parts[3]) else { return nil }
            self = .classifier(layer: layer, tensor: tensor)
        default:
            return nil
        }
    }

    /// The target forms, for messages.
    static var forms: String {
        let sae = CanonicalPaths.SAETensor.allCases.map(\.rawValue).joined(separator: ",")
        let layer = CanonicalPaths.LayerTensor.allCases.map(\.rawValue).joined(separator: ",")
        return "\(CanonicalPaths.labels), \(CanonicalPaths.activations(0).replacingOccurrences(of: "/0/", with: "/D/")), "
            + "\(CanonicalPaths.sae(0).replacingOccurrences(of: "/0/", with: "/D/"))/{\(sae),\(CanonicalPaths.threshold)}, "
            + "\(CanonicalPaths.classifier)/\(CanonicalPaths.layers)/I/{\(layer)}"
    }

    /// The canonical path this target names.
    public var path: String {
        switch self {
        case .labels: return CanonicalPaths.labels
        case .activations(let depth): return CanonicalPaths.activations(depth)
        case .sae(let depth, let tensor): return CanonicalPaths.saeTensor(tensor, of: depth)
        case .threshold(let depth): return CanonicalPaths.saeThreshold(of: depth)
        case .classifier(let layer, let tensor): return CanonicalPaths.classifierTensor(tensor, of: layer)
        }
    }

    var saeDepth: Int? {
        if case .sae(let depth, _) = self { return depth }
        return nil
    }
}
