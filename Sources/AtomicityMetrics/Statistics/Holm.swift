/// Holm's step-down adjustment of p-values for a family of tests (as
/// statsmodels' `multipletests(p, method='holm')`): sorted ascending, the
/// i-th (from 0) becomes max over j ≤ i of min(1, (m − j)·p₍ⱼ₎). NaN p-values
/// stay NaN and do not count in m.
public enum Holm {
    public static func adjust(_ pValues: [Double]) -> [Double] {
        let present = pValues.indices.filter { !pValues[$0].isNaN }.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: .nan, count: pValues.count)
        var running = 0.0
        for (position, index) in present.enumerated() {
            running = max(running, min(1, Double(present.count - position) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}
