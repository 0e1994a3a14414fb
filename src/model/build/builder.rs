//! The builder's state and the helpers every step of the build shares (a leaf: it imports
//! none of its siblings).

use crate::diag::{Error, SourceMap, Span};
use crate::scenario::{Merged, NodeKind, PlacementDef, Spanned};

/// A node before its class and placement are resolved to indices.
pub(super) struct NodeSpec {
    pub(super) id: String,
    /// The ministry or node a generated node belongs to: nodes of one owner written with
    /// the same placement share its unknown (a backup server and the interconnection point
    /// beside it are in the same place in every trial).
    pub(super) owner: String,
    /// A node whose existence this one shares (A/B lines of an interconnection point that
    /// may not exist).
    pub(super) exists_as: Option<String>,
    pub(super) span: Span,
    pub(super) kind: NodeKind,
    pub(super) class: Option<(String, Span)>,
    pub(super) placement: Option<(PlacementDef, Span)>,
    pub(super) exists_p: f64,
    pub(super) gnet_access: bool,
    pub(super) name_en: String,
    pub(super) name_ja: String,
}

/// The span of a value written in file `file`.
pub(super) fn sp<T>(file: usize, s: &Spanned<T>) -> Span {
    Span {
        file,
        start: s.span().start,
    }
}

/// The scenario being built, after overlays and expansion.
pub(super) struct Builder<'a> {
    pub(super) src: &'a SourceMap,
    pub(super) m: &'a Merged,
}

impl Builder<'_> {
    pub(super) fn err(&self, span: Span, msg: impl Into<String>, hint: Option<String>) -> Error {
        self.src.error(span, msg, hint)
    }
}
