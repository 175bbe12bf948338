//! Where a value sits in parameters or a response (`isv_ma_list[3].num`),
//! rendered to text only when an error names it: formatting a path for
//! every value that is fine would cost more than the checks themselves.
//! Public so that bindings name fields exactly as the core does.

/// A location, as a chain of borrowed segments on the stack.
#[derive(Clone, Copy)]
pub enum Path<'a> {
    /// The top of a response.
    Root,
    /// A top-level parameter or field.
    Top(&'a str),
    /// A member of a structure.
    Member(&'a Path<'a>, &'a str),
    /// An item of a list.
    Item(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// The path as users write it: `a.b[2].c`.
    pub fn render(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Top(name) | Path::Member(Path::Root, name) => (*name).to_owned(),
            Path::Member(parent, name) => format!("{}.{name}", parent.render()),
            Path::Item(parent, i) => format!("{}[{i}]", parent.render()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Path;

    #[test]
    fn renders_as_written() {
        let top = Path::Top("isv_ma_list");
        let item = Path::Item(&top, 3);
        assert_eq!(Path::Member(&item, "num").render(), "isv_ma_list[3].num");
        assert_eq!(Path::Member(&Path::Root, "result").render(), "result");
    }
}
