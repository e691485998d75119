/// Settings that do not fit the experiment they are applied to (a depth
/// the file does not have): the user's to fix, so a usage error.
public struct SettingsError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
