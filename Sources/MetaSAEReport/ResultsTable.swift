import AtomicityMetrics

/// The per-depth table and trend lines `analyze` and `run` print.
public enum ResultsTable {
    public static func render(_ results: AnalysisResults) -> String {
        let metrics = results.settings.metrics.sorted()
        let nulls = results.nullModels
        var header = ["depth", "width"]
        for metric in metrics {
            header.append(metric.rawValue)
            if nulls != nil { header.append("null \(metric.rawValue)") }
        }
        header += ["ODM", "L0", "alive"]
        var rows: [[String]] = []
        for row in results.depths {
            var cells = ["\(row.depth)", "\(row.width)"]
            for metric in metrics {
                cells.append(row.value(metric).map { format($0, digits: 4) } ?? "-")
                if let nulls {
                    let statistic = nulls.depths.statistic(metric.rawValue, depth: row.depth)
                    cells.append(statistic.map { "\(format($0.mean, digits: 4))±\(format($0.std, digits: 4))" } ?? "-")
                }
            }
            cells.append(row.ODM.map { format($0, digits: 4) } ?? "-")
            cells.append(row.meanL0.map { format($0, digits: 3) } ?? "-")
            cells.append(row.aliveLatents.map { "\($0)/\(row.width)" } ?? "-")
            rows.append(cells)
        }
        var out = align([header] + rows)
        out += "\n"
        for metric in metrics {
            guard let test = results.trends[metric.rawValue] else { continue }
            out += "\(metric.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) Spearman ρ = \(format(test.rho)), "
                + "t-test p = \(format(test.pValue)), exact p = \(format(test.pExact))"
                + (test.exact ? "" : " (sampled)") + "\n"
        }
        for control in results.controls ?? [] {
            out += ControlStatements.line(for: control, metrics: metrics) + "\n"
        }
        return out
    }

    static func align(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
