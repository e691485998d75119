/// What a file says about where it came from, read by the locator.
public struct FileProvenance: Sendable, Equatable {
    public var schemaVersion: Int?
    public var created: String?
    public var source: String?
    public var writtenBy: String?
    public var classifierArchitecture: String?
    public var classifierAccuracy: Double?

    public init() {}
}
