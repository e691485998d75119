import HDF5

/// `validate`: what the checker says about a file, plus, unless asked to
/// skip them, the data scans (labels in range, finite values, sparse
/// entries). Every violation is listed, not just the first.
public struct SchemaValidator: Sendable {
    /// When false, only structure is checked (fast; what `describe` shows).
    public var scanData: Bool
    public var memoryBudget: Int

    public init(scanData: Bool = true, memoryBudget: Int = SizeBudget.memory) {
        self.scanData = scanData
        self.memoryBudget = memoryBudget
    }

    public func validate(_ file: CanonicalFile) -> ValidationReport {
        let outcome = file.check(memoryBudget: memoryBudget)
        var violations = outcome.violations
        if scanData {
            var scan = DataScan(outcome: outcome)
            violations += scan.run()
        }
        return ValidationReport(file: file.path, violations: violations, scannedData: scanData)
    }
}
