/// Why a safetensors or .npy file (or a SAELens folder of them) cannot be used, in words a user can act
/// on. These files come from strangers: every size and offset they declare
/// is checked against the file before anything is read.
public struct ArrayFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Missing, a folder or device, or unreadable.
        case notFound
        /// Not this format at all (no header where one must be).
        case notThisFormat
        /// The format, damaged: sizes, offsets or header inconsistent.
        case corrupt
        /// Well formed, but something this tool does not read (a dtype, an order).
        case unsupported
        /// Well-formed files that disagree with each other or with the
        /// layout their reader expects (a SAELens cfg.json and its tensors).
        case layout
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
