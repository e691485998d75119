/// Problems with a file's content, as opposed to libhdf5 failures.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    /// The file is not in the canonical layout where it must be.
    case layout(path: String, String)
    /// A value is outside what the layout allows (label 11).
    case data(path: String, String)
    /// NaN or ±Inf where finite numbers are required.
    case nonFinite(path: String, String)
    /// An output could not be written or committed.
    case output(path: String, String)
    /// An output would overwrite a file the command reads.
    case outputIsInput(path: String, input: String)

    public var description: String {
        switch self {
        case .layout(let path, let message): return "\(path): \(message)"
        case .data(let path, let message): return "\(path): \(message)"
        case .nonFinite(let path, let message): return "\(path): \(message)"
        case .output(let path, let message): return "cannot write \(path): \(message)"
        case .outputIsInput(let path, let input):
            return "\(path) is the input \(input) (or a link to it); the input is never modified, choose another output"
        }
    }
}
