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

        public init(activationFunction: String? = nil, applyDecoderBias: Int? = nil) {
            activation_fn = activationFunction
            apply_b_dec_to_input = applyDecoderBias
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

    /// SAE depths named by the targets, sorted.
    public var saeDepths: [Int] {
        Set(entries.compactMap { CanonicalTarget(parsing: $0.target)?.saeDepth }).sorted()
    }

    /// Activation depths named by the targets, sorted.
    public var activationDepths: [Int] {
        Set(entries.compactMap { entry -> Int? in
            if case .activations(let depth)? = CanonicalTarget(parsing: entry.target) { return depth }
            return nil
        }).sorted()
    }
}

/// A parsed canonical target path.
public enum CanonicalTarget: Equatable, Sendable {
    case labels
    case activations(depth: Int)
    case sae(depth: Int, tensor: String)
    case classifier(layer: Int, tensor: String)

    public init?(parsing path: String) {
        let parts = path.split(separator: "/").map(String.init)
        switch parts.count {
        case 1 where parts[0] == "labels": self = .labels
        case 3 where parts[0] == "depths" && parts[2] == "activations":
            guard let depth = Int(parts[1]), depth >= 0 else { return nil }
            self = .activations(depth: depth)
        case 4 where parts[0] == "depths" && parts[2] == "sae" && ["W_enc", "b_enc", "W_dec", "b_dec"].contains(parts[3]):
            guard let depth = Int(parts[1]), depth >= 1 else { return nil }
            self = .sae(depth: depth, tensor: parts[3])
        case 4 where parts[0] == "classifier" && parts[1] == "layers" && ["weight", "bias"].contains(parts[3]):
            guard let layer = Int(parts[2]), layer >= 0 else { return nil }
            self = .classifier(layer: layer, tensor: parts[3])
        default: return nil
        }
    }

    var saeDepth: Int? {
        if case .sae(let depth, _) = self { return depth }
        return nil
    }
}
