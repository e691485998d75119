import AtomicityMetrics

/// What the controls say, in sentences that name the control each one
/// rests on: the trend with depth of cascade − control, for each metric.
public enum ControlStatements {
    /// "against the flat control: FRI − control falls (ρ = −0.83, exact p = 0.058); …"
    public static func line(for control: ControlResults, metrics: [Metric]) -> String {
        let parts = metrics.compactMap { metric -> String? in
            guard let test = control.trends[metric.rawValue] else { return nil }
            return "\(metric.rawValue) − control \(direction(test)) (ρ = \(format(test.rho)), exact p = \(format(test.pExact)))"
        }
        return "against the \(control.kind.rawValue): " + (parts.isEmpty ? "no trend to test" : parts.joined(separator: "; "))
    }

    /// One sentence per metric: does the cascade pull away from the control with depth, as "more atomic" predicts?
    public static func findings(for control: ControlResults, metrics: [Metric]) -> [String] {
        metrics.map { metric in
            let name = metric.rawValue
            if metric == .PDS {
                let later = control.differences.filter { $0.depth >= 2 }.compactMap { $0.values[name] }
                guard !later.isEmpty else { return "\(name): needs depth ≥ 2" }
                let above = later.filter { $0 > 0 }.count
                return "\(name): the cascade's PDS exceeds the \(control.kind.rawValue)'s at \(above) of \(later.count) depths ≥ 2"
            }
            guard let test = control.trends[name], !test.rho.isNaN else { return "\(name): no trend (constant or undefined differences)" }
            let significant = test.pExact < Verdict.alpha
            let reading: String
            switch (test.rho > 0, significant) {
            case (true, true): reading = "rises beyond the control with depth, as more atomic features predict"
            case (false, true): reading = "falls relative to the control with depth, against the prediction"
            default: reading = "shows no significant trend relative to the control"
            }
            return "\(name) \(reading) (ρ = \(format(test.rho)), exact p = \(format(test.pExact)))"
        }
    }

    static func direction(_ test: SpearmanTest) -> String {
        test.rho.isNaN ? "has no trend" : test.rho > 0 ? "rises" : test.rho < 0 ? "falls" : "is flat"
    }
}
