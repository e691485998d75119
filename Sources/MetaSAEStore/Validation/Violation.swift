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
