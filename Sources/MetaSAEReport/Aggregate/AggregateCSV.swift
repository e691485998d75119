import AtomicityMetrics

/// aggregate.csv (one row per series: the table's numbers, unformatted) and
/// aggregate-depths.csv (one row per series and depth: mean, interval, and
/// one column per seed).
public enum AggregateCSV {
    public static func summary(_ results: AggregateResults) -> String {
        var out = "series,family,control,direction,seeds,mean_rho,mean_rho_ci_low,mean_rho_ci_high,page_L,page_method,p,p_test,p_holm,"
            + "seeds_rho_positive,steps_significant,steps,expected_pattern,significant\n"
        for series in results.series {
            let fields: [String] = [
                series.name, series.family.rawValue, series.control ?? "", series.direction.rawValue, "\(series.seeds.count)",
                ResultsCSV.cell(series.meanRho), series.meanRhoInterval.map { ResultsCSV.cell($0[0]) } ?? "", series.meanRhoInterval.map { ResultsCSV.cell($0[1]) } ?? "",
                series.page.map { ResultsCSV.cell($0.statistic) } ?? "", series.page?.method.rawValue ?? "", ResultsCSV.cell(series.pooledP), series.pooledTest,
                ResultsCSV.cell(series.pHolm), "\(series.seedsWithPositiveRho)", "\(series.stepsSignificant)", "\(series.steps.count)",
                "\(series.expectedPattern)", "\(series.significant)",
            ]
            out += fields.map(ResultsCSV.escape).joined(separator: ",") + "\n"
        }
        return out
    }

    public static func depths(_ results: AggregateResults) -> String {
        let seeds = results.inputs.map(\.seed)
        var out = (["series", "family", "control", "depth", "mean", "ci95_low", "ci95_high"] + seeds).map(ResultsCSV.escape).joined(separator: ",") + "\n"
        for series in results.series {
            for row in series.perDepth {
                let fields = [series.name, series.family.rawValue, series.control ?? "", "\(row.depth)", ResultsCSV.cell(row.mean),
                              row.interval.map { ResultsCSV.cell($0[0]) } ?? "", row.interval.map { ResultsCSV.cell($0[1]) } ?? ""]
                    + row.values.map(ResultsCSV.cell)
                out += fields.map(ResultsCSV.escape).joined(separator: ",") + "\n"
            }
        }
        return out
    }

}
