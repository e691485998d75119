import Foundation
import AtomicityMetrics

/// results.csv: one row per depth, one column per metric, with ODM, the
/// null-model means and standard deviations, the controls, and the
/// diagnostics under their results.json names.
public enum ResultsCSV {
    public static func render(_ results: AnalysisResults) -> String {
        let metrics = Metric.allCases
        var header = ["depth", "width"] + metrics.map(\.rawValue) + ["ODM", "mean_L0", "alive_latents"]
        let hasNulls = results.nullModels != nil
        if hasNulls {
            for name in metrics.map(\.rawValue) + ["ODM"] { header += ["null_\(name)_mean", "null_\(name)_std"] }
        }
        let controls = results.controls ?? []
        for control in controls {
            let key = control.kind.rawValue.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
            for name in metrics.map(\.rawValue) + ["ODM"] { header += ["\(key)_\(name)", "\(key)_\(name)_diff"] }
        }
        let diagnosed = results.depths.contains { $0.diagnostics != nil }
        if diagnosed { header += DepthDiagnostics.fieldNames }
        var lines = [header.joined(separator: ",")]
        for row in results.depths {
            var cells = ["\(row.depth)", "\(row.width)"]
            cells += metrics.map { cell(row.value($0)) }
            cells.append(cell(row.ODM))
            cells.append(cell(row.meanL0))
            cells.append(row.aliveLatents.map(String.init) ?? "")
            if let nulls = results.nullModels {
                for name in metrics.map(\.rawValue) + ["ODM"] {
                    let statistic = nulls.depths.statistic(name, depth: row.depth)
                    cells += [cell(statistic?.mean), cell(statistic?.std)]
                }
            }
            for control in controls {
                for name in metrics.map(\.rawValue) + ["ODM"] {
                    cells.append(cell(row.depth >= 1 ? control.value(name, depth: row.depth) : nil))
                    cells.append(cell(control.differences.first { $0.depth == row.depth }?.values[name]))
                }
            }
            if diagnosed { cells += (row.diagnostics ?? DepthDiagnostics()).fields.map { cell($0.value) } }
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A field quoted as RFC 4180 asks when it holds a comma, quote or newline.
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Full precision; empty for absent, and nan / inf / -inf spelled out.
    static func cell(_ value: Double?) -> String {
        guard let value else { return "" }
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return "\(value)"
    }
}
