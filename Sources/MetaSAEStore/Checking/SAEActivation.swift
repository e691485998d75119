/// The encoder nonlinearities the forward pass implements, as SAELens
/// defines them. A file naming any other is refused by the checker, never
/// treated as ReLU.
public enum SAEActivation: Sendable, Equatable {
    /// `z = max(0, pre)`.
    case relu
    /// The k largest pre-activations of each row, ReLU'd; the rest 0.
    case topK(Int)
    /// `z = pre` where `pre > threshold_j` (and `pre > 0`), else 0: one
    /// threshold per latent (BatchTopK is stored this way, one value repeated).
    case jumpReLU(threshold: [Float])

    /// The `activation_fn` attribute's spelling.
    public var name: String { kind.rawValue }

    public var kind: Kind {
        switch self {
        case .relu: return .relu
        case .topK: return .topK
        case .jumpReLU: return .jumpReLU
        }
    }

    /// The activation function without its parameters, as a file names it.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case relu
        case topK = "topk"
        case jumpReLU = "jumprelu"

        /// Reads an `activation_fn` or SAELens `architecture` value, any case:
        /// SAELens calls ReLU SAEs "standard", and stores BatchTopK as JumpReLU.
        public init?(name: String) {
            switch name.lowercased() {
            case "relu", "standard": self = .relu
            case "topk": self = .topK
            case "jumprelu", "batchtopk": self = .jumpReLU
            default: return nil
            }
        }
    }

    /// Every spelling accepted, for messages.
    public static let supportedNames = Kind.allCases.map(\.rawValue)
}
