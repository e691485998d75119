/// Why a conversion was refused, with what to do about it.
public enum ConversionError: Error, CustomStringConvertible, Sendable {
    /// The layout could not be detected unambiguously or is incomplete.
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

    public static let mappingAdvice = "write a mapping file (start from `metasae convert IN.h5 --emit-mapping mapping.json`, edit it, then pass --mapping mapping.json; the format is in schemas/convert-mapping-v1.md)"

    public var description: String {
        switch self {
        case .layout(let message): return "cannot detect the layout: \(message); \(Self.mappingAdvice)"
        case .dtype(let path, let message): return "\(path): \(message)"
        case .nonFinite(let lines): return "non-finite values (pass --allow-nonfinite to convert anyway): " + lines.joined(separator: "; ")
        case .labels(let path, let message): return "\(path): \(message)"
        case .mapping(let message): return "bad mapping: \(message)"
        }
    }
}
