public import Foundation

/// Where the shipped mustache templates live; operators may override any of them from a folder of their own.
public enum ShippedTemplates {
    public static var directory: URL? {
        Bundle.module.url(forResource: "mustache", withExtension: nil)
    }
}
