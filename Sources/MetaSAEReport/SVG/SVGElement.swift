/// A minimal SVG (XML) tree: elements with ordered attributes, children and
/// text, serialised with escaping. Enough for figures, nothing more.
public struct SVGElement: Sendable {
    public var name: String
    public var attributes: [(String, String)]
    public var children: [SVGElement]
    public var text: String?

    public init(_ name: String, _ attributes: [(String, String)] = [], children: [SVGElement] = [], text: String? = nil) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    public mutating func append(_ child: SVGElement) { children.append(child) }

    public func render(indent: String = "") -> String {
        var out = indent + "<" + name
        for (key, value) in attributes { out += " \(key)=\"\(Markup.escape(value))\"" }
        if children.isEmpty && text == nil { return out + "/>\n" }
        out += ">"
        if let text { out += Markup.escape(text) }
        if !children.isEmpty {
            out += "\n"
            for child in children { out += child.render(indent: indent + "  ") }
            out += indent
        }
        return out + "</\(name)>\n"
    }
}

/// Shorthands for the shapes the figure uses; coordinates in pixels.
public enum SVG {
    public static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    public static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ extra: [(String, String)] = []) -> SVGElement {
        SVGElement("line", [("x1", number(x1)), ("y1", number(y1)), ("x2", number(x2)), ("y2", number(y2))] + extra)
    }

    public static func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, _ extra: [(String, String)] = []) -> SVGElement {
        SVGElement("rect", [("x", number(x)), ("y", number(y)), ("width", number(width)), ("height", number(height))] + extra)
    }

    public static func circle(_ x: Double, _ y: Double, _ radius: Double, _ extra: [(String, String)] = []) -> SVGElement {
        SVGElement("circle", [("cx", number(x)), ("cy", number(y)), ("r", number(radius))] + extra)
    }

    public static func text(_ x: Double, _ y: Double, _ content: String, _ extra: [(String, String)] = []) -> SVGElement {
        SVGElement("text", [("x", number(x)), ("y", number(y))] + extra, text: content)
    }

    public static func polyline(_ points: [(Double, Double)], _ extra: [(String, String)] = []) -> SVGElement {
        SVGElement("polyline", [("points", points.map { "\(number($0.0)),\(number($0.1))" }.joined(separator: " "))] + extra)
    }

    public static func polygon(_ points: [(Double, Double)], _ extra: [(String, String)] = []) -> SVGElement {
        SVGElement("polygon", [("points", points.map { "\(number($0.0)),\(number($0.1))" }.joined(separator: " "))] + extra)
    }
}
