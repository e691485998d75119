import Foundation

/// float32 tensors as a safetensors file, laid out as the reference writer
/// lays them out: sorted by name (one dtype), packed back to back, the JSON
/// header padded with spaces to a multiple of 8 bytes.
public enum SafeTensorsWriter {
    public struct Tensor: Sendable {
        public var name: String
        public var values: [Float]
        public var shape: [Int]
        public init(name: String, values: [Float], shape: [Int]) {
            precondition(shape.reduce(1, *) == values.count, "\(name): \(values.count) values for shape \(shape)")
            self.name = name
            self.values = values
            self.shape = shape
        }
    }

    public static func encode(_ tensors: [Tensor]) -> Data {
        let sorted = tensors.sorted { $0.name < $1.name }
        var header: [String] = []
        var offset = 0
        for tensor in sorted {
            let end = offset + tensor.values.count * 4
            header.append("\(quoted(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],"
                          + "\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        json += [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: json)
        for tensor in sorted {
            for value in tensor.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        return data
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
