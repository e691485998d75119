import AtomicityMetrics
import Foundation
import HDF5
import MetaSAEReport

/// Reading a results.json a command was given: 66 when it cannot be read,
/// 65 when it is not one metasae wrote.
enum ResultsFile {
    static func read(_ path: String) throws -> AnalysisResults {
        try File.checkInput(path)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure(status: .notFound, description: "cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try ResultsJSON.decode(data)
        } catch {
            throw CommandFailure(status: .unusableResults, description: "\(path) is not a metasae results.json (\(Self.reason(error)))")
        }
    }

    /// The decoder's complaint in a few words: what is missing or wrong, where.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        func place(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(key.stringValue) missing at \(place(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "unexpected value at \(place(context.codingPath))"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not JSON" : "bad value at \(place(context.codingPath))"
        @unknown default: return "not readable"
        }
    }
}
