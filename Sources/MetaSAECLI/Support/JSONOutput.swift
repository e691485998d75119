import Foundation
import MetaSAEReport

/// The command line's JSON: the same style as results.json (pretty, sorted
/// keys, slashes unescaped, non-finite numbers as "inf", "-inf", "nan").
enum JSONOutput {
    static func string(_ value: some Encodable) throws -> String {
        String(decoding: try ResultsJSON.encode(value: value), as: UTF8.self)
    }
}
