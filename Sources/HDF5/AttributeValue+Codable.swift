/// Attribute values encode as plain JSON: a string, a number, an array of
/// either, or `{"unsupported": "<type>"}`.
extension AttributeValue: Codable {
    private enum Keys: String, CodingKey { case unsupported }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .unsupported(let type):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(type, forKey: .unsupported)
        default:
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .strings(let values): try container.encode(values)
            case .integer(let value): try container.encode(value)
            case .integers(let values): try container.encode(values)
            case .double(let value): try container.encode(value)
            case .doubles(let values): try container.encode(values)
            case .unsupported: break
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: Keys.self), let type = try? keyed.decode(String.self, forKey: .unsupported) {
            self = .unsupported(type)
            return
        }
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let values = try? container.decode([Int64].self) { self = .integers(values) }
        else if let values = try? container.decode([Double].self) { self = .doubles(values) }
        else { self = .strings(try container.decode([String].self)) }
    }
}
