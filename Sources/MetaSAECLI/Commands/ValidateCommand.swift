import ArgumentParser
import Foundation
import HDF5
import MetaSAEStore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a file against the canonical layout and list every violation.",
        discussion: """
            Checks structure (required groups and datasets, dtypes, ranks, widths along the \
            depth chain) and data (labels in 0–9, finite weights and activations, sparse \
            structure). Exits 0 when the file conforms, 70 when it does not (71 when the only \
            problem is NaN or Inf values, 68 when objects in it cannot be read, 69 when it \
            uses something not supported, such as an external link).
            """)

    @Argument(help: "The HDF5 file to check.")
    var file: String

    @Flag(help: "Check structure only; skip scanning the data.")
    var quick = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        try reportingFailures(naming: file) {
            try InputFile.admit(file)
            let canonical = try CanonicalFile(path: file)
            let report = SchemaValidator(scanData: !quick).validate(canonical)
            if json {
                print(try JSONOutput.string(report))
            } else {
                for violation in report.violations { print(violation) }
                let errors = report.errors.count
                let warnings = report.violations.count - errors
                if report.conforms {
                    print("\(file): conforms to \(CanonicalPaths.schemaName) v\(CanonicalPaths.version)"
                          + (warnings > 0 ? " (\(warnings) warning(s))" : ""))
                } else {
                    print("\(file): \(errors) violation(s)" + (warnings > 0 ? ", \(warnings) warning(s)" : ""))
                }
            }
            if let worst = Violation.mostSevere(report.violations) {
                throw ExitCode(ExitStatus.of(worst.problem).rawValue)
            }
        }
    }
}
