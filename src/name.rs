//! `.vfs` names.

/// Names that exist from genesis on every node and can never be registered.
pub const RESERVED: [&str; 4] = ["root.vfs", "admin.vfs", "sync.vfs", "bootstrap.vfs"];
