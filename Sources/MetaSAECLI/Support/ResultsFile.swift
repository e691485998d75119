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

    /// The features.json beside a results.json, when there is one: what the
    /// page's latent browser shows. 65 when it is not one metasae wrote or
    /// belongs to other results (its depths' widths differ).
    static func features(besides path: String, for results: AnalysisResults) throws -> FeatureData? {
        let file = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(ResultsFolder.featuresName).path
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        try File.checkInput(file)
        let features: FeatureData
        do {
            features = try ResultsJSON.decodeFeatures(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw CommandFailure(status: .unusableResults, description: "\(file) is not a metasae features.json (\(Self.reason(error)))")
        }
        let widths = results.input.widths
        guard features.depths.allSatisfy({ $0.depth < widths.count && widths[$0.depth] == $0.width && $0.latents.count == $0.width }) else {
            throw CommandFailure(status: .unusableResults, description: "\(file) belongs to other results: its depths' widths are not \(widths)")
        }
        return features
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
