/// Results that cannot be pooled, in words a user can act on.
public struct ReplicationError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
