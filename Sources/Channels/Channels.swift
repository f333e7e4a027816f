import Domain

/// Mall connectors (Shopify, Rakuten, Yahoo!, Amazon, generic CSV) live in this target, which cannot import
/// Vapor. They arrive with the orders-and-channels work; this namespace marks the boundary.
public enum Channels {}
