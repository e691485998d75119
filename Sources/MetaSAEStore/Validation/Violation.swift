/// One way a file departs from the canonical layout.
public struct Violation: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }
    /// The check that found it: `missing`, `dtype`, `rank`, `shape`, `chain`,
    /// `labels_in_range`, `finite`, `csr_structure`, `attribute`, …
    public var check: String
    /// The object it concerns (`/` for the file).
    public var path: String
    public var message: String
    public var severity: Severity

    public init(_ check: String, _ path: String, _ message: String, severity: Severity = .error) {
        self.check = check
        self.path = path
        self.message = message
        self.severity = severity
    }

    public var description: String {
        "\(severity == .error ? "error" : "warning"): \(path): \(message) [\(check)]"
    }

    /// What kind of problem a check reports, most severe first: the one
    /// mapping from checks to exit statuses goes through this.
    public enum Problem: Int, Sendable, Comparable {
        /// The file is damaged: unreadable objects, data it cannot hold.
        case damaged
        /// Something this tool does not read: a dtype, filter, external
        /// storage, activation function, or a size beyond this machine.
        case unsupported
        /// The file breaks the canonical layout.
        case layout
        /// NaN or ±Inf where finite numbers are required.
        case nonFinite

        public static func < (lhs: Problem, rhs: Problem) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var problem: Problem {
        switch check {
        case "unreadable", "budget": return .damaged
        case "unsupported", "dtype", "memory": return .unsupported
        case "finite": return .nonFinite
        default: return .layout
        }
    }

    /// The error that decides a refusal's exit status.
    public static func mostSevere(_ violations: [Violation]) -> Violation? {
        violations.filter { $0.severity == .error }.min { $0.problem < $1.problem }
    }
}

/// What validation found.
public struct ValidationReport: Sendable, Codable {
    public var file: String
    public var violations: [Violation]
    /// True when data checks (labels, finiteness, CSR) ran, not just structure.
    public var scannedData: Bool

    public var errors: [Violation] { violations.filter { $0.severity == .error } }
    public var conforms: Bool { errors.isEmpty }
}
