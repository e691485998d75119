/// The value of an attribute, decoded into Swift.
public enum AttributeValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case strings([String])
    case integer(Int64)
    case integers([Int64])
    case double(Double)
    case doubles([Double])
    /// A value of a type we do not decode (compound, reference, …): its
    /// type's description.
    case unsupported(String)

    public var description: String {
        switch self {
        case .string(let text): return "\"\(text)\""
        case .strings(let texts): return "[" + texts.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .integer(let value): return String(value)
        case .integers(let values): return "[" + values.map(String.init).joined(separator: ", ") + "]"
        case .double(let value): return Self.format(value)
        case .doubles(let values): return "[" + values.map(Self.format).joined(separator: ", ") + "]"
        case .unsupported(let type): return "<\(type)>"
        }
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        if case .strings(let texts) = self, texts.count == 1 { return texts[0] }
        return nil
    }

    public var intValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .integers(let values) where values.count == 1: return values[0]
        case .double(let value): return Int64(exactly: value)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .double(let value): return value
        case .doubles(let values) where values.count == 1: return values[0]
        case .integer(let value): return Double(value)
        case .integers(let values) where values.count == 1: return Double(values[0])
        default: return nil
        }
    }

    static func format(_ value: Double) -> String { "\(value)" }
}
