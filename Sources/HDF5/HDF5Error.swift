/// A failure reported by libhdf5, or a check of ours that guards it.
///
/// The message names the operation, the file and object, and the top and
/// bottom messages of HDF5's error stack; the raw stack is never printed.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The path does not exist.
        case notFound
        /// The path exists but is a directory.
        case isDirectory
        /// The file exists but is not HDF5 (wrong signature).
        case notHDF5
        /// Permission denied or another OS-level access problem.
        case access
        /// Another process holds the file open for writing (HDF5 file locking).
        case locked
        /// libhdf5 failed to parse a structure it should be able to read.
        case corrupt
        /// The file uses a feature we refuse or cannot decode (missing
        /// filter, unsupported datatype, external storage).
        case unsupported
        /// The named object does not exist in the file.
        case noSuchObject
        /// A caller asked for something inconsistent (wrong buffer size,
        /// rows out of range).
        case invalidArgument
        /// Any other libhdf5 failure.
        case library
    }

    public var kind: Kind
    /// What we were doing, e.g. "open dataset".
    public var operation: String
    /// The file's path, when known.
    public var file: String?
    /// The object's path inside the file, when known.
    public var object: String?
    /// The outermost HDF5 message (the API call that failed).
    public var topMessage: String?
    /// The innermost HDF5 message (usually the real cause).
    public var bottomMessage: String?
    /// Our own explanation, for errors that did not come from libhdf5.
    public var detail: String?

    public init(
        _ kind: Kind, operation: String, file: String? = nil, object: String? = nil,
        detail: String? = nil, topMessage: String? = nil, bottomMessage: String? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.file = file
        self.object = object
        self.detail = detail
        self.topMessage = topMessage
        self.bottomMessage = bottomMessage
    }

    public var description: String {
        if kind == .locked {
            return "cannot \(operation)" + (file.map { " \($0)" } ?? "")
                + ": another process has it open for writing (HDF5 file locking). Wait for the writer to finish; on NFS, where locks misbehave, set HDF5_USE_FILE_LOCKING=FALSE"
        }
        var text = "cannot \(operation)"
        if let object { text += " '\(object)'" }
        if let file { text += object == nil ? " \(file)" : " in \(file)" }
        var reasons: [String] = []
        if let detail { reasons.append(detail) }
        if let explanation = Self.explain(bottomMessage ?? "") { reasons.append(explanation) }
        if let bottomMessage { reasons.append(bottomMessage) }
        if let topMessage, topMessage != bottomMessage { reasons.append("(\(topMessage))") }
        if !reasons.isEmpty { text += ": " + reasons.joined(separator: " ") }
        return text
    }

    /// Plain words for the libhdf5 messages users meet most.
    static func explain(_ message: String) -> String? {
        let text = message.lowercased()
        if text.contains("too many links") { return "soft links form a loop or nest too deeply;" }
        if text.contains("component not found") { return "a path or soft link points to an object that does not exist;" }
        if text.contains("plugin") || (text.contains("filter") && text.contains("not")) {
            return "it needs an HDF5 compression filter this build does not have (lzf, blosc, …); rewrite it with gzip;"
        }
        if text.contains("not a dataset") { return "the object is not a dataset (a group?);" }
        if text.contains("ring type mismatch") || text.contains("truncated") || text.contains("addr overflow")
            || text.contains("bad ") || text.contains("signature") {
            return "its HDF5 metadata is damaged or truncated;"
        }
        return nil
    }

    /// The same error, annotated with file and object where they were unknown.
    func located(file: String?, object: String?) -> HDF5Error {
        var copy = self
        if copy.file == nil { copy.file = file }
        if copy.object == nil { copy.object = object }
        return copy
    }
}
