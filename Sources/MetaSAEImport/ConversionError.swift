/// Why a conversion was refused, with what to do about it.
public enum ConversionError: Error, CustomStringConvertible, Sendable {
    /// Detection could not tell what is what: a mapping file would help.
    case undetected(String)
    /// The export lacks something the conversion needs.
    case layout(String)
    /// A dataset's type cannot be used where it is (integers as weights,
    /// bfloat16 bits without --bf16, strings).
    case dtype(path: String, String)
    /// NaN or Inf found and not allowed.
    case nonFinite([String])
    /// Labels out of range or of the wrong count.
    case labels(path: String, String)
    /// The mapping file is unreadable or inconsistent.
    case mapping(String)

    public static let mappingAdvice = "a mapping file can say what is what: write one with --emit-mapping, edit it, pass it with --mapping"

    public var description: String {
        switch self {
        case .undetected(let message): return "cannot detect the layout: \(message); \(Self.mappingAdvice)"
        case .layout(let message): return message
        case .dtype(let path, let message): return "\(path): \(message)"
        case .nonFinite(let lines): return "non-finite values (pass --allow-nonfinite to convert anyway): " + lines.joined(separator: "; ")
        case .labels(let path, let message): return "\(path): \(message)"
        case .mapping(let message): return "bad mapping: \(message)"
        }
    }
}
