import AtomicityMetrics
import Foundation

/// results.json: every number, the settings and the input's provenance.
/// Non-finite values (FRI is −∞ when no example qualifies) are the strings
/// "inf", "-inf" and "nan", since JSON has no such numbers.
public enum ResultsJSON {
    public static func encode(_ results: AnalysisResults) throws -> Data {
        try encode(value: results)
    }

    /// The toolkit's one JSON style, for results and every `--json` output:
    /// pretty, sorted keys, slashes unescaped, non-finite numbers as strings.
    public static func encode(value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(value)
    }

    /// The same without whitespace, for features.json and the page's data.
    public static func encodeCompact(value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(value)
    }

    public static func decodeFeatures(_ data: Data) throws -> FeatureData {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(FeatureData.self, from: data)
    }

    public static func decode(_ data: Data) throws -> AnalysisResults {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(AnalysisResults.self, from: data)
    }
}
