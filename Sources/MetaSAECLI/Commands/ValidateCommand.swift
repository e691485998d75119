import ArgumentParser
import Foundation
import HDF5
import MetaSAEStore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a file against the canonical layout and list every violation.",
        discussion: """
            Prints everything the one checker finds (required groups and datasets, dtypes, \
            ranks and shapes, widths along the depth chain, null models and the classifier, \
            depth numbering, storage outside the file, declared sizes against what the file \
            stores), then scans the data (labels in 0–9, finite weights and activations, \
            sparse entries). Exits 0 when the file conforms; otherwise with the code of its \
            most severe problem: 68 damaged (objects that cannot be read, sizes the file \
            cannot hold), 69 unsupported (a dtype, filter, external storage, virtual \
            dataset, activation function or layout version this tool does not read), 70 \
            a layout violation, 71 only NaN or Inf values.
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
