/// Why a SAELens folder cannot be used as it is, with what to do.
public struct SAELensError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The folder or a file in it is missing.
        case notFound
        /// Tensors or cfg.json disagree with each other or with SAELens's layout.
        case layout
        /// Valid SAELens, but something this tool cannot honour.
        case unsupported
    }

    public var kind: Kind
    public var path: String
    public var detail: String

    public init(_ kind: Kind, _ path: String, _ detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    public var description: String { "\(path): \(detail)" }
}
