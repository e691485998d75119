import AtomicityMetrics
import Foundation

/// The images the feature cards show, tiled into one grayscale PNG.
public enum FeatureAtlas {
    /// Tiles per atlas row.
    public static let columns = 64

    /// `pixels[t]` is the image of `rows[t]`, side × side; nil when the
    /// images are not square (the cards then say so).
    public static func images(rows: [Int], pixels: [[UInt8]]) -> FeatureImages? {
        guard let count = pixels.first?.count, count > 0, rows.count == pixels.count else { return nil }
        let side = Int(Double(count).squareRoot().rounded())
        guard side * side == count, pixels.allSatisfy({ $0.count == count }) else { return nil }
        let across = min(columns, rows.count)
        let down = (rows.count + across - 1) / across
        let width = across * side
        var atlas = [UInt8](repeating: 0, count: width * down * side)
        for (tile, image) in pixels.enumerated() {
            let (x, y) = ((tile % across) * side, (tile / across) * side)
            for line in 0..<side {
                let target = (y + line) * width + x
                atlas.replaceSubrange(target..<(target + side), with: image[(line * side)..<((line + 1) * side)])
            }
        }
        let png = GrayscalePNG.encode(pixels: atlas, width: width, height: down * side)
        return FeatureImages(side: side, columns: across, rows: rows, png: png.base64EncodedString())
    }
}
