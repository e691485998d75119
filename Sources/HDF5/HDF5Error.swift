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
        /// The path is a pipe, a device or a socket.
        case notRegularFile
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
        if let object { text += " '\(Display.cut(object))'" }
        if let file { text += object == nil ? " \(file)" : " in \(file)" }
        // Plain words where the library's message is known; its own words,
        // cut short, only where it is not.
        var reasons: [String] = []
        if let detail { reasons.append(Display.cut(detail, to: 200)) }
        if let words = bottomMessage.flatMap(KnownMessage.entry)?.words {
            reasons.append(words)
        } else if let message = bottomMessage ?? topMessage {
            reasons.append("(libhdf5: \(Display.cut(message, to: 100)))")
        }
        if !reasons.isEmpty { text += ": " + reasons.joined(separator: "; ") }
        return text
    }


    /// The same error, annotated with file and object where they were unknown.
    func located(file: String?, object: String?) -> HDF5Error {
        var copy = self
        if copy.file == nil { copy.file = file }
        if copy.object == nil { copy.object = object }
        return copy
    }
}
