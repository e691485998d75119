/// The encoder nonlinearities the forward pass implements. A file naming
/// any other is refused by the checker, never treated as ReLU.
public enum SAEActivation: Sendable, Equatable, Codable {
    case relu

    /// The `activation_fn` attribute's spelling.
    public var name: String {
        switch self {
        case .relu: return "relu"
        }
    }

    /// Reads an `activation_fn` value (SAELens spellings, any case).
    public init?(name: String) {
        switch name.lowercased() {
        case "relu": self = .relu
        default: return nil
        }
    }

    /// Every spelling accepted, for messages.
    public static let supportedNames = ["relu"]
}
