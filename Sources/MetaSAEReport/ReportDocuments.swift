import AtomicityMetrics
import Foundation

/// The documents derived from one analysis, each rendered once: report.html
/// embeds the very report and figures the other files hold.
public struct ReportDocuments {
    public let csv: String
    public let markdown: String
    public let atomicityFigure: String
    /// nil when the results carry no diagnostics.
    public let diagnosticsFigure: String?
    public let page: String

    /// `featuresJSON`: features.json's bytes (ResultsJSON.encodeCompact), or nil without per-latent data.
    public init(_ results: AnalysisResults, featuresJSON: Data?) {
        csv = ResultsCSV.render(results)
        markdown = MarkdownReport.render(results)
        atomicityFigure = AtomicityFigure.svg(for: results)
        diagnosticsFigure = DiagnosticsFigure.svg(for: results)
        var figures = [AtomicityFigure.fileName: atomicityFigure]
        if let diagnosticsFigure { figures[DiagnosticsFigure.fileName] = diagnosticsFigure }
        page = FeatureBrowserPage.render(results, markdown: markdown, figures: figures, featuresJSON: featuresJSON)
    }
}
