import Foundation

extension MomentAccumulator.Kernel {
    /// The kernel `METASAE_KERNEL` names (auto, dense or sparse; auto when
    /// unset). Forcing one compares the two paths on the same file; the
    /// results agree to rounding either way.
    public static func configured(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        guard let text = environment["METASAE_KERNEL"] else { return .auto }
        guard let kernel = Self(rawValue: text.lowercased()) else {
            throw SettingsError("METASAE_KERNEL=\(text): choose auto, dense or sparse")
        }
        return kernel
    }
}
