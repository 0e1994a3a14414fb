//! The one report language: every table, chart, Markdown and HTML page is written in one of
//! two languages, chosen on the command line (`--lang`).

/// Language of what is written: Japanese (the sources' language, the default) or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// Japanese.
    #[default]
    Ja,
    /// English.
    En,
}

impl Lang {
    /// `en` or `ja`, whichever is this language.
    pub fn t<'a>(self, en: &'a str, ja: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    /// Whether this is Japanese.
    pub fn is_ja(self) -> bool {
        self == Lang::Ja
    }
}
