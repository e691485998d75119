import AtomicityMetrics
import Foundation
import HDF5
import MetaSAEReport
import MetaSAEStore
import MetaSAETraining

/// The folder `run --seeds` writes: `seed-<s>/` per seed (plan.json, the
/// canonical metasae.h5, results.json and the one-seed report) and the
/// aggregate beside them. Every file lands by an atomic rename, so a
/// killed run leaves each seed complete, trained, or not started.
struct ExperimentFolder {
    let root: String

    /// What a seed folder must have been made with to be reused: written
    /// first, so a folder is never mistaken for another design's.
    struct Plan: Codable, Equatable {
        var training: TrainingConfiguration
        var analysis: AnalysisSettings
    }

    /// How far a seed got.
    enum State {
        case fresh
        /// The canonical file checks; the analysis must be (re)done.
        case trained
        case complete(AnalysisResults)
    }

    func folder(seed: UInt64) -> String { (root as NSString).appendingPathComponent("seed-\(seed)") }
    func plan(seed: UInt64) -> String { (folder(seed: seed) as NSString).appendingPathComponent("plan.json") }
    func file(seed: UInt64) -> String { (folder(seed: seed) as NSString).appendingPathComponent("metasae.h5") }
    func results(seed: UInt64) -> String { (folder(seed: seed) as NSString).appendingPathComponent("results.json") }

    /// Where seed `seed` stands against `plan`. Refuses (64) a folder made
    /// with other options or of unknown origin rather than touch it.
    func state(seed: UInt64, plan wanted: Plan) throws -> State {
        let folder = folder(seed: seed)
        guard FileManager.default.fileExists(atPath: folder) else { return .fresh }
        guard let data = FileManager.default.contents(atPath: plan(seed: seed)) else {
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            if contents.isEmpty { return .fresh }
            throw CommandFailure(status: .usage, description: "\(folder) exists but was not written by `run --seeds` (no plan.json); "
                                 + "choose another --out or move it away")
        }
        guard let found = try? JSONDecoder().decode(Plan.self, from: data), found == wanted else {
            throw CommandFailure(status: .usage, description: "\(folder) was made with other options (\(Self.differences(data, wanted))); "
                                 + "rerun with the options it was made with, choose another --out, or move it away")
        }
        guard let bytes = usableFile(seed: seed) else { return .fresh }
        guard let results = try? ResultsFile.read(results(seed: seed)), results.input.bytes == bytes,
              results.settings == wanted.analysis else {
            return .trained
        }
        return .complete(results)
    }

    /// The canonical file's size when it exists and passes the checker;
    /// a file that fails is moved aside (never deleted) and nil returned.
    func usableFile(seed: UInt64) -> Int? {
        let path = file(seed: seed)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            try File.checkInput(path)
            try IsolatedProbe.check(path)
            return try CanonicalFile(path: path).checked().fileBytes
        } catch {
            let aside = path + ".rejected-\(Int(Date().timeIntervalSince1970))"
            try? FileManager.default.moveItem(atPath: path, toPath: aside)
            Terminal.error("metasae: \(path) fails its check (\(error)); moved it to \(aside) and retraining")
            return nil
        }
    }

    /// "training.depths: 4 there, 5 asked", for the settings that differ.
    static func differences(_ stored: Data, _ wanted: Plan) -> String {
        func flatten(_ value: Any, _ key: String, into fields: inout [String: String]) {
            if let object = value as? [String: Any] {
                for (name, inner) in object { flatten(inner, key.isEmpty ? name : "\(key).\(name)", into: &fields) }
            } else {
                fields[key] = "\(value)"
            }
        }
        var there: [String: String] = [:]
        var asked: [String: String] = [:]
        if let object = try? JSONSerialization.jsonObject(with: stored) { flatten(object, "", into: &there) }
        if let data = try? ResultsJSON.encode(value: wanted), let object = try? JSONSerialization.jsonObject(with: data) {
            flatten(object, "", into: &asked)
        }
        let keys = Set(there.keys).union(asked.keys).filter { there[$0] != asked[$0] }.sorted()
        guard !keys.isEmpty else { return "its plan.json is not readable" }
        return keys.prefix(4).map { "\($0): \(there[$0] ?? "unset") there, \(asked[$0] ?? "unset") asked" }.joined(separator: "; ")
            + (keys.count > 4 ? "; and \(keys.count - 4) more" : "")
    }

    func writePlan(_ plan: Plan, seed: UInt64) throws {
        try OutputFolder.prepare(folder(seed: seed))
        try AtomicOutput.write(try ResultsJSON.encode(value: plan), to: self.plan(seed: seed))
    }
}
