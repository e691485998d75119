/// Paths of the canonical layout, version 1. Every reader and writer names
/// objects through here, so the layout is spelled in one place.
public enum CanonicalPaths {
    public static let schemaAttribute = "metasae_schema"
    public static let versionAttribute = "metasae_schema_version"
    public static let schemaName = "metasae/canonical"
    public static let version = 1

    public static let labels = "labels"
    public static let images = "images"
    public static let depths = "depths"
    public static let classifier = "classifier"
    public static let nullModels = "null_models"

    /// Members of a depth's group.
    public enum DepthMember: String, Sendable {
        case activations, sparse, sae
    }
    /// Members of a depth's compressed-row form.
    public enum SparseMember: String, CaseIterable, Sendable {
        case indptr, indices, values
    }
    /// The classifier's layers group, and each layer's tensors (nn.Linear).
    public static let layers = "layers"
    public enum LayerTensor: String, CaseIterable, Sendable {
        case weight, bias
    }

    /// `depths/3` (or, under a null model, `null_models/0/depths/3`).
    public static func depth(_ depth: Int, under prefix: String = "") -> String {
        prefix + "\(depths)/\(depth)"
    }
    public static func activations(_ depth: Int, under prefix: String = "") -> String {
        member(.activations, of: depth, under: prefix)
    }
    public static func sparse(_ depth: Int, under prefix: String = "") -> String {
        member(.sparse, of: depth, under: prefix)
    }
    public static func sae(_ depth: Int, under prefix: String = "") -> String {
        member(.sae, of: depth, under: prefix)
    }
    public static func member(_ member: DepthMember, of depth: Int, under prefix: String = "") -> String {
        self.depth(depth, under: prefix) + "/" + member.rawValue
    }
    /// `depths/3/sae/W_enc`.
    public static func saeTensor(_ tensor: SAETensor, of depth: Int, under prefix: String = "") -> String {
        sae(depth, under: prefix) + "/" + tensor.rawValue
    }
    /// `layers/2`, relative to the classifier group.
    public static func classifierLayer(_ index: Int) -> String {
        "\(layers)/\(index)"
    }
    /// `classifier/layers/2/weight`.
    public static func classifierTensor(_ tensor: LayerTensor, of index: Int) -> String {
        "\(classifier)/\(classifierLayer(index))/\(tensor.rawValue)"
    }
    /// Controls stored beside the cascade.
    public static let controls = "controls"
    public enum Control: String, Sendable {
        case flat
        case matchedNull = "matched_null"
    }
    public static let flatControls = "\(controls)/\(Control.flat.rawValue)"
    public static let matchedNulls = "\(controls)/\(Control.matchedNull.rawValue)"
    /// `controls/flat/3`: the flat control matched to depth 3, an SAE on depth 0.
    public static func flatControl(_ depth: Int) -> String { "\(flatControls)/\(depth)" }
    /// Prefix of matched-null cascade `k`, ending in `/`.
    public static func matchedNull(_ index: Int) -> String { "\(matchedNulls)/\(index)/" }

    /// Prefix of null-model cascade `k`, ending in `/`.
    public static func nullModel(_ index: Int) -> String {
        "\(nullModels)/\(index)/"
    }

    /// A JumpReLU SAE's thresholds [d_sae], beside its four tensors.
    public static let threshold = "threshold"
    /// `depths/3/sae/threshold`.
    public static func saeThreshold(of depth: Int, under prefix: String = "") -> String {
        sae(depth, under: prefix) + "/" + threshold
    }

    /// The four SAE tensors, in SAELens orientation:
    /// `z = act((x - b_dec·apply) @ W_enc + b_enc)`, `x̂ = z @ W_dec + b_dec`.
    public enum SAETensor: String, CaseIterable, Sendable {
        case encoderWeight = "W_enc"
        case encoderBias = "b_enc"
        case decoderWeight = "W_dec"
        case decoderBias = "b_dec"
    }
}
