//! Service expressions: a small boolean language over component state and reachability.
//!
//! ```text
//! expr  := or
//! or    := and ( '|' and )*
//! and   := unary ( '&' unary )*
//! unary := '!' unary | atom
//! atom  := '(' expr ')' | 'true' | 'false' | 'up' '(' name ')' | 'path' '(' name ',' name ')'
//! name  := [A-Za-z0-9_.-]+          (a node id, or a group id inside path)
//! ```
//!
//! `up(x)` holds when component `x` exists and is not failed; `path(a, b)` when some
//! member of `a` reaches some member of `b` over links whose every node, ends included, is up.

/// A parsed expression; names are resolved by the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A constant.
    Const(bool),
    /// `up(name)`; the offset is where the name starts.
    Up(String, usize),
    /// `path(from, to)`; offsets of both names.
    Path(String, usize, String, usize),
    /// `!e`
    Not(Box<Expr>),
    /// `a & b & …`
    And(Vec<Expr>),
    /// `a | b | …`
    Or(Vec<Expr>),
}

/// A parse error at a byte offset of the expression text.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// Byte offset into the expression.
    pub offset: usize,
    /// What was expected and what was found.
    pub message: String,
}

/// Parses an expression.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut p = Parser {
        s: text,
        pos: 0,
        depth: 0,
    };
    let e = p.or()?;
    p.ws();
    if p.pos < p.s.len() {
        return Err(p.err(format!(
            "expected `&`, `|` or the end, found `{}`",
            p.rest_token()
        )));
    }
    Ok(e)
}

impl Expr {
    /// Names used, each with its offset, in order of appearance.
    pub fn names(&self, out: &mut Vec<(String, usize)>) {
        match self {
            Expr::Const(_) => {}
            Expr::Up(n, o) => out.push((n.clone(), *o)),
            Expr::Path(a, oa, b, ob) => {
                out.push((a.clone(), *oa));
                out.push((b.clone(), *ob));
            }
            Expr::Not(e) => e.names(out),
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| e.names(out)),
        }
    }
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
}

/// Deepest nesting of parentheses and `!` accepted (a guard against stack exhaustion).
pub const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn err(&self, message: String) -> ParseError {
        ParseError {
            offset: self.pos,
            message,
        }
    }

    fn ws(&mut self) {
        while let Some(c) = self.s[self.pos..].chars().next() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.ws();
        self.s[self.pos..].chars().next()
    }

    fn rest_token(&self) -> String {
        let rest = &self.s[self.pos..];
        if rest.is_empty() {
            return "the end".into();
        }
        let end = rest
            .char_indices()
            .find(|&(i, c)| i > 0 && (c.is_whitespace() || "()&|!,".contains(c)))
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        rest[..end].to_string()
    }

    fn expect(&mut self, c: char) -> Result<(), ParseError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            let found = if self.pos >= self.s.len() {
                "the end".to_string()
            } else {
                format!("`{}`", self.rest_token())
            };
            Err(self.err(format!("expected `{c}`, found {found}")))
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut v = vec![self.and()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            v.push(self.and()?);
        }
        Ok(if v.len() == 1 {
            v.pop().unwrap()
        } else {
            Expr::Or(v)
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut v = vec![self.unary()?];
        while self.peek() == Some('&') {
            self.pos += 1;
            v.push(self.unary()?);
        }
        Ok(if v.len() == 1 {
            v.pop().unwrap()
        } else {
            Expr::And(v)
        })
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(format!(
                "expression nests deeper than {MAX_DEPTH} levels of `(` and `!`"
            )));
        }
        let r = if self.peek() == Some('!') {
            self.pos += 1;
            self.unary().map(|e| Expr::Not(Box::new(e)))
        } else {
            self.atom()
        };
        self.depth -= 1;
        r
    }

    fn name(&mut self) -> Result<(String, usize), ParseError> {
        self.ws();
        let start = self.pos;
        let len = self.s[start..]
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
            .map(|(i, _)| i)
            .unwrap_or(self.s.len() - start);
        if len == 0 {
            return Err(self.err(format!(
                "expected a node or group name, found {}",
                if start >= self.s.len() {
                    "the end".to_string()
                } else {
                    format!("`{}`", self.rest_token())
                }
            )));
        }
        self.pos += len;
        Ok((self.s[start..start + len].to_string(), start))
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                let e = self.or()?;
                self.expect(')')?;
                Ok(e)
            }
            None => Err(self.err("expected an expression, found the end".into())),
            Some(_) => {
                let (word, at) = self.name()?;
                match word.as_str() {
                    "true" => Ok(Expr::Const(true)),
                    "false" => Ok(Expr::Const(false)),
                    "up" => {
                        self.expect('(')?;
                        let (n, o) = self.name()?;
                        self.expect(')')?;
                        Ok(Expr::Up(n, o))
                    }
                    "path" => {
                        self.expect('(')?;
                        let (a, oa) = self.name()?;
                        self.expect(',')?;
                        let (b, ob) = self.name()?;
                        self.expect(')')?;
                        Ok(Expr::Path(a, oa, b, ob))
                    }
                    _ => Err(ParseError {
                        offset: at,
                        message: format!(
                            "expected `up(…)`, `path(…, …)`, `true`, `false`, `!` or `(`, found `{word}`"
                        ),
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_design_example() {
        let e = parse(
            "path(kansai_office, mof_core) & (up(mof_main) | up(mof_backup)) & path(mof_core, gnet)",
        )
        .unwrap();
        let Expr::And(v) = e else { panic!() };
        assert_eq!(v.len(), 3);
        assert!(matches!(&v[1], Expr::Or(o) if o.len() == 2));
    }

    #[test]
    fn precedence_and_binds_tighter_than_or() {
        let e = parse("up(a) | up(b) & !up(c)").unwrap();
        let Expr::Or(v) = e else { panic!() };
        assert!(matches!(&v[1], Expr::And(_)));
    }

    #[test]
    fn errors_say_where_and_what() {
        let e = parse("up(a) & (up(b)").unwrap_err();
        assert_eq!(e.offset, 14);
        assert!(e.message.contains("expected `)`"), "{}", e.message);
        let e = parse("upp(a)").unwrap_err();
        assert_eq!(e.offset, 0);
        let e = parse("path(a b)").unwrap_err();
        assert!(e.message.contains("expected `,`"), "{}", e.message);
        let e = parse("up(a) up(b)").unwrap_err();
        assert_eq!(e.offset, 6);
        assert!(parse("").is_err());
        let deep = format!("{}up(a){}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(parse(&deep).unwrap_err().message.contains("nests deeper"));
        assert!(parse(&"!".repeat(100_000)).is_err());
    }
}
