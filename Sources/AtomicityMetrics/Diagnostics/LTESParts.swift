/// LTES taken apart: over the latents it uses, how often they fire (f̄),
/// how widely doubling them spreads (q̄), and whether its consistency term
/// is just the firing frequency, which it is for an affine decoder whose
/// latents are never negative.
extension TraversalEffect {
    public func fillParts(_ diagnostics: inout DepthDiagnostics, minimumActive: Int) {
        let used = usedLatents(minimumActive: minimumActive)
        diagnostics.ltesLatents = used.count
        guard !used.isEmpty, rows > 0 else { return }
        let count = Double(used.count)
        diagnostics.ltesMeanFrequency = used.reduce(0) { $0 + frequency($1) } / count
        diagnostics.ltesMeanSpread = used.reduce(0) { $0 + spread($1) } / count
        diagnostics.ltesConsistencyIsFrequency = used.allSatisfy { abs(consistency($0) - frequency($0)) < 1e-6 }
    }
}
