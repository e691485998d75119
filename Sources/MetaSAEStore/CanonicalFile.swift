import HDF5

/// A canonical experiment file opened for reading. Everything about its
/// structure comes from `ExperimentChecker`; this type only opens it.
public final class CanonicalFile: @unchecked Sendable {
    public let file: File
    public let root: Group

    public init(file: File) throws {
        self.file = file
        self.root = try file.root
    }

    /// Opens a file read-only.
    public convenience init(path: String) throws {
        try self.init(file: try File.open(path, mode: .readOnly))
    }

    public var path: String { file.path }

    /// True when the root carries the canonical schema marker.
    public var isCanonical: Bool {
        (try? root.attribute(CanonicalPaths.schemaAttribute).stringValue) == CanonicalPaths.schemaName
    }

    /// Locates and checks the experiment (see `ExperimentChecker`).
    public func check(memoryBudget: Int = SizeBudget.memory) -> CheckOutcome {
        ExperimentChecker(memoryBudget: memoryBudget).check(self)
    }

    /// The checked experiment, or the failure naming the first problem.
    public func checked() throws -> CheckedExperiment {
        try check().checked()
    }
}
