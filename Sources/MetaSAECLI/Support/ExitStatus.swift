import Foundation
import ArgumentParser
import ArrayFiles
import HDF5
import AtomicityMetrics
import MetaSAEImport
import MetaSAEStore
import MetaSAETraining

/// The documented exit codes, one per kind of failure.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    /// Anything not covered below (a bug, an I/O error while writing).
    case failure = 1
    /// Bad command-line usage (ArgumentParser's own code).
    case usage = 64
    /// A results.json that is not metasae's, or results that cannot be
    /// pooled (other depths or settings, the same file twice, one seed).
    case unusableResults = 65
    /// The input path does not exist, is a directory, or is not readable.
    case notFound = 66
    /// The input is not an HDF5 file.
    case notHDF5 = 67
    /// The input is HDF5 but damaged (truncated, bad metadata).
    case corrupt = 68
    /// The input uses something we do not read (missing filter, dtype).
    case unsupported = 69
    /// The file breaks the canonical layout.
    case schemaViolation = 70
    /// NaN or Inf where finite numbers are required.
    case nonFinite = 71
    /// An output could not be created.
    case cannotWrite = 73
    /// The input is locked: another process has it open for writing.
    case locked = 75

    static var summary: String {
        allCases.filter { $0 != .success }.map { "\($0.rawValue) \($0.label)" }.joined(separator: ", ") + "."
    }

    var label: String {
        switch self {
        case .success: return "success"
        case .failure: return "other failure"
        case .usage: return "usage"
        case .unusableResults: return "results unusable or not poolable"
        case .notFound: return "input not found"
        case .notHDF5: return "not HDF5"
        case .corrupt: return "corrupt HDF5"
        case .unsupported: return "unsupported content"
        case .schemaViolation: return "schema violation"
        case .nonFinite: return "non-finite data"
        case .cannotWrite: return "cannot write output"
        case .locked: return "file locked by a writer"
        }
    }

    /// The exit status of any error a command can meet: the one mapping.
    static func of(_ error: any Error) -> ExitStatus {
        switch error {
        case let error as HDF5Error:
            switch error.kind {
            case .notFound, .isDirectory, .notRegularFile, .access: return .notFound
            case .locked: return .locked
            case .notHDF5: return .notHDF5
            case .corrupt: return .corrupt
            case .unsupported: return .unsupported
            case .noSuchObject: return .schemaViolation
            case .invalidArgument, .library: return .corrupt
            }
        case let error as StoreError:
            switch error {
            case .layout, .data: return .schemaViolation
            case .nonFinite: return .nonFinite
            case .output: return .cannotWrite
            case .outputIsInput: return .usage
            }
        case let failure as CheckFailure:
            return of(failure.leading.problem)
        case let error as ConversionError:
            switch error {
            case .undetected, .layout, .labels: return .schemaViolation
            case .dtype: return .unsupported
            case .nonFinite: return .nonFinite
            case .mapping: return .usage
            }
        case is SettingsError, is TrainingError:
            return .usage
        case is ReplicationError:
            return .unusableResults
        case let error as ArrayFileError:
            switch error.kind {
            case .notFound: return .notFound
            case .notThisFormat: return .notHDF5
            case .corrupt: return .corrupt
            case .unsupported: return .unsupported
            case .layout: return .schemaViolation
            }
        case let error as IDXFile.Failure:
            if case .unreadable = error { return .notFound }
            return .corrupt
        case let error as CommandFailure:
            return error.status
        default:
            return .failure
        }
    }

    /// The exit status of a file's most severe problem.
    static func of(_ problem: Violation.Problem) -> ExitStatus {
        switch problem {
        case .damaged: return .corrupt
        case .unsupported: return .unsupported
        case .layout: return .schemaViolation
        case .nonFinite: return .nonFinite
        }
    }
}

/// A failure a command reports itself, with its message and exit status.
struct CommandFailure: Error, CustomStringConvertible {
    var status: ExitStatus
    var description: String
}

/// Runs a command body; any error becomes one line on stderr and its
/// documented exit code, never a stack dump.
func reportingFailures(naming file: String? = nil, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        throw ExitCode(report(error, naming: file).rawValue)
    }
}

/// Prints `error` on stderr, naming the file, and returns its exit status.
/// One line where it fits; never more than three, however long the names
/// a file brought with it.
func report(_ error: any Error, naming file: String?) -> ExitStatus {
    var message = "\(error)".replacingOccurrences(of: "\n", with: " ")
    if let file, !message.contains(file) { message = "\(file): " + message }
    Terminal.error("metasae: " + Display.cut(message, to: 400))
    return ExitStatus.of(error)
}
