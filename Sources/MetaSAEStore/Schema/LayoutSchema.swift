/// A machine-readable description of a file layout: which groups and
/// datasets exist, their types, shapes, attributes and the checks that apply.
///
/// `schemas/canonical-v1.json` is this type encoded; a test keeps the two
/// identical, and the validator interprets it, so the JSON is the contract.
public struct LayoutSchema: Codable, Sendable, Equatable {
    /// Identifier written into every file as the `metasae_schema` attribute.
    public var schema: String
    public var version: Int
    /// Conventions that hold throughout the file (orientation, row order, …).
    public var conventions: [String: String]
    /// Placeholders used in paths and what they range over.
    public var placeholders: [String: String]
    /// Symbols used in shapes and how their values are found.
    public var symbols: [String: String]
    public var rootAttributes: [AttributeRule]
    public var objects: [ObjectRule]
    /// Whole-file checks, by name, with their descriptions.
    public var fileChecks: [String: String]
}

public struct ObjectRule: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case group, dataset }
    public enum Presence: String, Codable, Sendable {
        /// Must exist for every binding of the path's placeholders.
        case required
        case optional
    }

    /// Path relative to the root, with placeholders such as `{d}`.
    public var path: String
    public var kind: Kind
    public var presence: Presence
    /// If set, the object may be absent when this other path exists instead
    /// (dense activations may be replaced by the sparse form).
    public var unlessPresent: String?
    /// `float` (float32 or float64; float32 canonical), `integer`, `uint8`,
    /// `int64`, `int32`, `float32`.
    public var dtype: String?
    /// Dimension symbols, e.g. `["N", "F{d-1}"]`; `*` matches anything.
    public var shape: [String]?
    /// `rows` when the dataset must be chunked by whole-row blocks.
    public var chunking: String?
    public var attributes: [AttributeRule]
    /// Named data checks (see the schema's description) that apply.
    public var checks: [String]
    public var description: String

    public init(
        _ path: String, _ kind: Kind, _ presence: Presence, unlessPresent: String? = nil,
        dtype: String? = nil, shape: [String]? = nil, chunking: String? = nil,
        attributes: [AttributeRule] = [], checks: [String] = [], description: String
    ) {
        self.path = path
        self.kind = kind
        self.presence = presence
        self.unlessPresent = unlessPresent
        self.dtype = dtype
        self.shape = shape
        self.chunking = chunking
        self.attributes = attributes
        self.checks = checks
        self.description = description
    }
}

public struct AttributeRule: Codable, Sendable, Equatable {
    public var name: String
    /// `string`, `integer` or `float` (an integer value satisfies `float`).
    public var type: String
    public var required: Bool
    public var description: String

    public init(_ name: String, _ type: String, required: Bool, _ description: String) {
        self.name = name
        self.type = type
        self.required = required
        self.description = description
    }
}
