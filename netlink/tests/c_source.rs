// SPDX-License-Identifier: GPL-2.0

//! Mechanical cross-check of the Rust tables against the C source of the
//! reference kernel tree, so they cannot silently drift.
//!
//! The tree is `$BONDING_KSRC`, else the first
//! `/root/.cache/bonding-rs/src/*/linux`. Without a tree every test prints a
//! note and passes; with `BONDING_REQUIRE_KSRC=1` a missing tree fails.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use bonding_modes::Mode;
use bonding_netlink::ifla::{self, NlaType};
use bonding_netlink::options::*;
use bonding_netlink::params::{ParamDefault, ParamType, MODULE_PARAMS};

fn ksrc() -> Option<PathBuf> {
    let ok = |p: &Path| p.join("drivers/net/bonding/bond_options.c").is_file();
    if let Ok(p) = std::env::var("BONDING_KSRC") {
        let p = PathBuf::from(p);
        assert!(
            ok(&p),
            "BONDING_KSRC={} has no bonding sources",
            p.display()
        );
        return Some(p);
    }
    let mut dirs: Vec<_> = fs::read_dir("/root/.cache/bonding-rs/src")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("linux"))
        .filter(|p| ok(p))
        .collect();
    dirs.sort();
    dirs.into_iter().next()
}

/// Returns the file's text, or `None` (with a note) if there is no tree.
fn read(rel: &str) -> Option<String> {
    match ksrc() {
        Some(k) => Some(fs::read_to_string(k.join(rel)).unwrap()),
        None => {
            assert!(
                std::env::var_os("BONDING_REQUIRE_KSRC").is_none(),
                "kernel tree required but not found"
            );
            eprintln!("NOTE: no kernel tree (BONDING_KSRC); skipping C cross-check of {rel}");
            None
        }
    }
}

/// Remove `/* */` and `//` comments (string-literal aware).
fn strip_comments(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str(&s[start..i.min(b.len())]);
        } else if b[i..].starts_with(b"/*") {
            i = s[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
            out.push(' ');
        } else if b[i..].starts_with(b"//") {
            i = s[i..].find('\n').map_or(b.len(), |n| i + n);
        } else {
            let ch = s[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Concatenate the C string literals in `s` (adjacent-literal rule).
fn c_strings(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut found = false;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '"' {
            continue;
        }
        found = true;
        while let Some(c) = it.next() {
            match c {
                '"' => break,
                '\\' => match it.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(o) => out.push(o),
                    None => {}
                },
                o => out.push(o),
            }
        }
    }
    found.then_some(out)
}

/// Split on commas at nesting depth 0 (parens/braces) outside strings.
fn split_top(s: &str) -> Vec<String> {
    let mut parts = vec![];
    let mut cur = String::new();
    let (mut depth, mut in_str, mut esc) = (0i32, false, false);
    for c in s.chars() {
        if in_str {
            cur.push(c);
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        parts.push(cur.trim().to_string());
    }
    parts
}

/// The text between the `{` following `start` and its matching `}`.
fn block_after<'a>(s: &'a str, start: &str) -> &'a str {
    let at = s
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"));
    let open = at + s[at..].find('{').unwrap();
    let mut depth = 0;
    for (i, c) in s[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &s[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced block after {start:?}")
}

/// Tiny C constant-expression evaluator: integers, symbols, `BIT(x)`,
/// `BOND_MODE_ALL_EX(x)` (restricted to the 7 modes), `( )`, `<<`, `|`, `+`,
/// unary `-`.
struct Eval<'a> {
    syms: &'a HashMap<String, i64>,
    toks: Vec<String>,
    pos: usize,
}

impl<'a> Eval<'a> {
    fn run(syms: &'a HashMap<String, i64>, expr: &str) -> Option<i64> {
        let mut toks = vec![];
        let cs: Vec<char> = expr.chars().collect();
        let mut i = 0;
        while i < cs.len() {
            let c = cs[i];
            if c.is_whitespace() {
                i += 1;
            } else if c.is_alphanumeric() || c == '_' {
                let st = i;
                while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '_') {
                    i += 1;
                }
                toks.push(cs[st..i].iter().collect());
            } else if c == '<' && cs.get(i + 1) == Some(&'<') {
                toks.push("<<".into());
                i += 2;
            } else {
                toks.push(c.to_string());
                i += 1;
            }
        }
        let mut e = Eval { syms, toks, pos: 0 };
        let v = e.or()?;
        (e.pos == e.toks.len()).then_some(v)
    }
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.pos).map(|s| s.as_str())
    }
    fn eat(&mut self, t: &str) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn or(&mut self) -> Option<i64> {
        let mut v = self.shift()?;
        while self.eat("|") {
            v |= self.shift()?;
        }
        Some(v)
    }
    fn shift(&mut self) -> Option<i64> {
        let mut v = self.add()?;
        while self.eat("<<") {
            v <<= self.add()?;
        }
        Some(v)
    }
    fn add(&mut self) -> Option<i64> {
        let mut v = self.unary()?;
        while self.eat("+") {
            v += self.unary()?;
        }
        Some(v)
    }
    fn unary(&mut self) -> Option<i64> {
        if self.eat("-") {
            return Some(-self.unary()?);
        }
        if self.eat("(") {
            let v = self.or()?;
            return self.eat(")").then_some(v);
        }
        let t = self.peek()?.to_string();
        self.pos += 1;
        if t == "BIT" || t == "BOND_MODE_ALL_EX" {
            if !self.eat("(") {
                return None;
            }
            let x = self.or()?;
            if !self.eat(")") {
                return None;
            }
            return Some(if t == "BIT" { 1 << x } else { !x & 0x7f });
        }
        if let Some(d) = t.strip_prefix("0x") {
            return i64::from_str_radix(d, 16).ok();
        }
        if t.starts_with(|c: char| c.is_ascii_digit()) {
            let d = t.trim_end_matches(['U', 'L', 'u', 'l']);
            return if d.len() > 1 && d.starts_with('0') {
                i64::from_str_radix(d, 8).ok()
            } else {
                d.parse().ok()
            };
        }
        self.syms.get(&t).copied()
    }
}

/// Collect `#define NAME expr` and `enum { ... }` constants from C sources.
fn symbols(files: &[&str]) -> HashMap<String, i64> {
    let mut syms: HashMap<String, i64> = HashMap::new();
    syms.insert("INT_MAX".into(), i64::from(i32::MAX));
    syms.insert("USHRT_MAX".into(), i64::from(u16::MAX));
    syms.insert("ETH_ALEN".into(), 6);
    for text in files {
        let text = strip_comments(&text.replace("\\\n", " "));
        // Several passes so defines can refer to later ones.
        for _ in 0..3 {
            for line in text.lines() {
                let l = line.trim();
                if let Some(rest) = l.strip_prefix("#define") {
                    let rest = rest.trim();
                    let (name, expr) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                    if name.contains('(') {
                        continue;
                    }
                    if let Some(v) = Eval::run(&syms, expr) {
                        syms.insert(name.to_string(), v);
                    }
                }
            }
            let mut rest = text.as_str();
            while let Some(at) = rest.find("enum") {
                let after = &rest[at + 4..];
                let Some(open) = after.find('{') else { break };
                if after[..open].contains(';') || after[..open].contains('(') {
                    rest = after;
                    continue;
                }
                let body = block_after(after, "");
                let mut next = 0i64;
                for item in split_top(body) {
                    let (name, val) = match item.split_once('=') {
                        Some((n, e)) => (n.trim(), Eval::run(&syms, e)),
                        None => (item.trim(), Some(next)),
                    };
                    let Some(v) = val else { break };
                    if !name.is_empty() {
                        syms.insert(name.to_string(), v);
                    }
                    next = v + 1;
                }
                rest = &after[open..];
            }
        }
    }
    syms
}

/// The names of one C `enum` (in order), identified by its first member.
fn enum_names(text: &str, first: &str) -> Vec<String> {
    let text = strip_comments(text);
    let at = text
        .find(&format!("{first},"))
        .unwrap_or_else(|| panic!("{first} not found"));
    let open = text[..at].rfind('{').unwrap();
    let body = block_after(&text[open..], "");
    split_top(body)
        .into_iter()
        .map(|s| s.split('=').next().unwrap().trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn headers() -> Option<HashMap<String, i64>> {
    let files = [
        "include/uapi/linux/if_bonding.h",
        "include/net/bonding.h",
        "include/net/bond_3ad.h",
        "include/net/bond_alb.h",
        "include/net/bond_options.h",
    ];
    let mut texts = vec![];
    for f in files {
        texts.push(read(f)?);
    }
    let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
    Some(symbols(&refs))
}

#[test]
fn option_enum_matches_header() {
    let Some(h) = read("include/net/bond_options.h") else {
        return;
    };
    let names = enum_names(&h, "BOND_OPT_MODE");
    assert_eq!(names.last().map(|s| s.as_str()), Some("BOND_OPT_LAST"));
    let names = &names[..names.len() - 1];
    assert_eq!(names.len(), C_OPT_LAST, "BOND_OPT_LAST");
    for (i, n) in names.iter().enumerate() {
        assert_eq!(OptionId::ALL[i].c_name(), n, "option id {i}");
    }
    // The rest are bonding-rs's own options: named so that no C name can be mistaken for them.
    for id in &OptionId::ALL[C_OPT_LAST..] {
        assert!(
            id.is_ours() && id.c_name().starts_with("BONDRS_OPT_"),
            "{id:?}"
        );
        assert!(!h.contains(id.c_name()), "{id:?} is in C now");
        assert!(!h.contains(&format!("\"{}\"", option(*id).name)), "{id:?}");
    }
    let syms = headers().unwrap();
    assert_eq!(syms["BOND_OPTFLAG_NOSLAVES"], i64::from(OPTFLAG_NOSLAVES));
    assert_eq!(syms["BOND_OPTFLAG_IFDOWN"], i64::from(OPTFLAG_IFDOWN));
    assert_eq!(syms["BOND_OPTFLAG_RAWVAL"], i64::from(OPTFLAG_RAWVAL));
    assert_eq!(syms["BOND_VALFLAG_DEFAULT"], i64::from(VALFLAG_DEFAULT));
    assert_eq!(syms["BOND_VALFLAG_MIN"], i64::from(VALFLAG_MIN));
    assert_eq!(syms["BOND_VALFLAG_MAX"], i64::from(VALFLAG_MAX));
    assert_eq!(syms["BOND_OPT_MAX_NAMELEN"], 32);
    assert_eq!(syms["BOND_OPT_LAST"], C_OPT_LAST as i64);
    for m in Mode::ALL {
        let c = [
            "BOND_MODE_ROUNDROBIN",
            "BOND_MODE_ACTIVEBACKUP",
            "BOND_MODE_XOR",
            "BOND_MODE_BROADCAST",
            "BOND_MODE_8023AD",
            "BOND_MODE_TLB",
            "BOND_MODE_ALB",
        ][usize::from(m.as_u8())];
        assert_eq!(syms[c], i64::from(m.as_u8()), "{c}");
    }
    assert_eq!(syms["BOND_MAX_ARP_TARGETS"], 16);
}

type CTable = Vec<(String, i64, i64)>;

fn c_value_tables(src: &str, syms: &HashMap<String, i64>) -> HashMap<String, CTable> {
    let mut out = HashMap::new();
    let key = "static const struct bond_opt_value ";
    let mut rest = src;
    while let Some(at) = rest.find(key) {
        let after = &rest[at + key.len()..];
        let head = &after[..after.find(';').unwrap_or(after.len())];
        if !head.contains("[] = {") {
            rest = after;
            continue;
        }
        let name = after[..after.find('[').unwrap()].trim().to_string();
        let body = block_after(after, "");
        let mut tbl = vec![];
        for entry in split_top(body) {
            let inner = entry.trim().trim_start_matches('{').trim_end_matches('}');
            let f = split_top(inner);
            if f[0] == "NULL" {
                break;
            }
            let s = c_strings(&f[0]).unwrap();
            let v = Eval::run(syms, &f[1]).unwrap_or_else(|| panic!("{name}: {}", f[1]));
            let fl = f.get(2).map_or(0, |e| Eval::run(syms, e).unwrap());
            tbl.push((s, v, fl));
        }
        out.insert(name, tbl);
        rest = after;
    }
    out
}

#[test]
fn option_table_matches_bond_options_c() {
    let Some(src) = read("drivers/net/bonding/bond_options.c") else {
        return;
    };
    let src = strip_comments(&src);
    let syms = headers().unwrap();
    let tables = c_value_tables(&src, &syms);
    assert!(tables.len() >= 20, "parsed {} value tables", tables.len());

    let body = block_after(
        &src,
        "static const struct bond_option bond_opts[BOND_OPT_LAST]",
    );
    let mut seen = [false; OPT_LAST];
    for entry in split_top(body) {
        let (idx, fields) = entry.split_once('=').unwrap();
        let cname = idx
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim();
        let id = *OptionId::ALL
            .iter()
            .find(|i| i.c_name() == cname)
            .unwrap_or_else(|| panic!("unknown option {cname}"));
        assert!(!seen[id.index()], "{cname} twice");
        seen[id.index()] = true;
        let fields = fields.trim().trim_start_matches('{').trim_end_matches('}');
        let mut f: HashMap<String, String> = HashMap::new();
        for kv in split_top(fields) {
            let (k, v) = kv.split_once('=').unwrap();
            f.insert(
                k.trim().trim_start_matches('.').to_string(),
                v.trim().to_string(),
            );
        }
        let o = option(id);
        assert_eq!(f["id"], cname);
        assert_eq!(c_strings(&f["name"]).unwrap(), o.name, "{cname} name");
        assert_eq!(
            f.get("desc").map(|d| c_strings(d).unwrap()),
            o.desc.map(str::to_string),
            "{cname} desc"
        );
        let flags = f.get("flags").map_or(0, |e| Eval::run(&syms, e).unwrap());
        assert_eq!(flags, i64::from(o.flags), "{cname} flags");
        let unsupp = f
            .get("unsuppmodes")
            .map_or(0, |e| Eval::run(&syms, e).unwrap() & 0x7f);
        assert_eq!(unsupp, i64::from(o.unsupp_modes), "{cname} unsuppmodes");
        let want: CTable = match f.get("values") {
            Some(t) => tables
                .get(t.as_str())
                .unwrap_or_else(|| panic!("{cname}: table {t}"))
                .clone(),
            None => vec![],
        };
        let got: CTable = o
            .values
            .iter()
            .map(|e| (e.name.to_string(), e.value as i64, i64::from(e.flags)))
            .collect();
        assert_eq!(got, want, "{cname} values");
    }
    // Every C option is in bond_opts[]; bonding-rs's own are not, and no C option has their name.
    for id in OptionId::ALL {
        assert_eq!(seen[id.index()], !id.is_ours(), "{id:?} in bond_opts[]");
        if id.is_ours() {
            assert!(!src.contains(&format!("\"{}\"", option(id).name)), "{id:?}");
        }
    }
}

/// Substitute `%s`/`%llu`/`%d` of a C format with `args`, in order.
fn c_format(fmt: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut rest = fmt;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let spec = &rest[at..];
        let len = ["%llu", "%s", "%d"]
            .iter()
            .find(|p| spec.starts_with(*p))
            .unwrap()
            .len();
        out.push_str(args.next().unwrap());
        rest = &spec[len..];
    }
    out.push_str(rest);
    out
}

/// The format string of the `netdev_err` call containing `needle`.
fn c_fmt(src: &str, needle: &str) -> String {
    let at = src
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in C"));
    let start = src[..at].rfind('"').unwrap();
    let end = at + src[at..].find('"').unwrap();
    c_strings(&src[start..=end]).unwrap()
}

fn rust_log(err: i32, id: OptionId, mode: Mode, val: Option<OptInput<'_>>) -> Vec<String> {
    let mut v = vec![];
    error_log(err, id, mode, val, |a| v.push(a.to_string()));
    v
}

#[test]
fn messages_match_bond_options_c() {
    let Some(src) = read("drivers/net/bonding/bond_options.c") else {
        return;
    };
    for m in [
        EXTACK_INVALID,
        EXTACK_MODE,
        EXTACK_SLAVES,
        EXTACK_UP,
        EXTACK_NODEV,
    ] {
        assert!(
            src.contains(&format!("\"{m}\"")),
            "extack {m:?} not in bond_options.c"
        );
    }
    let ab = Mode::ActiveBackup;
    let f = c_fmt(&src, "mode dependency failed");
    assert_eq!(
        rust_log(-13, OptionId::LacpRate, ab, None),
        [c_format(&f, &["lacp_rate", "active-backup", "1"])]
    );
    let inv_s = c_fmt(&src, "invalid value (%s)");
    let inv_n = c_fmt(&src, "invalid value (%llu)");
    let allowed = c_fmt(&src, "allowed values");
    assert_eq!(
        rust_log(-22, OptionId::MiiMon, ab, Some(OptInput::Str(b"x\n"))),
        [
            c_format(&inv_s, &["miimon", "x"]),
            c_format(&allowed, &["miimon", "0", "2147483647"])
        ]
    );
    assert_eq!(
        rust_log(-22, OptionId::Mode, ab, Some(OptInput::Num(9))),
        [c_format(&inv_n, &["mode", "9"])]
    );
    let sl = c_fmt(&src, "unable to set because the bond device has slaves");
    assert_eq!(
        rust_log(-39, OptionId::Mode, ab, None),
        [c_format(&sl, &["mode"])]
    );
    let up = c_fmt(&src, "unable to set because the bond device is up");
    assert_eq!(
        rust_log(-16, OptionId::Mode, ab, None),
        [c_format(&up, &["mode"])]
    );
    let nd = c_fmt(&src, "does not exist!");
    assert_eq!(
        rust_log(-19, OptionId::Primary, ab, Some(OptInput::Str(b"eth7"))),
        [c_format(&nd, &["primary", "eth7"])]
    );
}

#[test]
fn errno_matches_headers() {
    let (Some(a), Some(b)) = (
        read("include/uapi/asm-generic/errno-base.h"),
        read("include/uapi/asm-generic/errno.h"),
    ) else {
        return;
    };
    let syms = symbols(&[&a, &b]);
    for (n, v) in [
        ("EPERM", errno::EPERM),
        ("ENOENT", errno::ENOENT),
        ("EACCES", errno::EACCES),
        ("EBUSY", errno::EBUSY),
        ("ENODEV", errno::ENODEV),
        ("EINVAL", errno::EINVAL),
        ("ENOTEMPTY", errno::ENOTEMPTY),
        ("EOPNOTSUPP", errno::EOPNOTSUPP),
    ] {
        assert_eq!(syms[n], i64::from(v), "{n}");
    }
}

#[test]
fn mode_names_match_c() {
    let Some(src) = read("drivers/net/bonding/bond_main.c") else {
        return;
    };
    let body = block_after(&src, "static const char *names[] = ");
    let mut n = 0;
    for entry in split_top(body) {
        let (idx, s) = entry.split_once('=').unwrap();
        let idx = idx.trim().trim_start_matches('[').trim_end_matches(']');
        let syms = headers().unwrap();
        let m = Mode::from_u8(syms[idx] as u8).unwrap();
        assert_eq!(m.proc_name(), c_strings(s).unwrap());
        n += 1;
    }
    assert_eq!(n, 7);
    assert!(src.contains("return \"unknown\";"));
}

#[test]
fn ifla_numbering_matches_if_link_h() {
    let Some(h) = read("include/uapi/linux/if_link.h") else {
        return;
    };
    let check = |first: &str, names: &[&str], max: u16| {
        let c = enum_names(&h, first);
        assert_eq!(
            c.last().unwrap(),
            &format!("__{}", first.replace("_UNSPEC", "_MAX"))
        );
        let c = &c[..c.len() - 1];
        assert_eq!(c, names, "{first}");
        assert_eq!(usize::from(max), c.len() - 1);
    };
    check(
        "IFLA_BOND_UNSPEC",
        &ifla::BOND_ATTR_NAMES,
        ifla::IFLA_BOND_MAX,
    );
    check(
        "IFLA_BOND_AD_INFO_UNSPEC",
        &ifla::AD_INFO_ATTR_NAMES,
        ifla::IFLA_BOND_AD_INFO_MAX,
    );
    check(
        "IFLA_BOND_SLAVE_UNSPEC",
        &ifla::SLAVE_ATTR_NAMES,
        ifla::IFLA_BOND_SLAVE_MAX,
    );
    // The named constants agree with the name tables.
    let consts = [
        (ifla::IFLA_BOND_MODE, "IFLA_BOND_MODE"),
        (ifla::IFLA_BOND_ACTIVE_SLAVE, "IFLA_BOND_ACTIVE_SLAVE"),
        (ifla::IFLA_BOND_MIIMON, "IFLA_BOND_MIIMON"),
        (ifla::IFLA_BOND_UPDELAY, "IFLA_BOND_UPDELAY"),
        (ifla::IFLA_BOND_DOWNDELAY, "IFLA_BOND_DOWNDELAY"),
        (ifla::IFLA_BOND_USE_CARRIER, "IFLA_BOND_USE_CARRIER"),
        (ifla::IFLA_BOND_ARP_INTERVAL, "IFLA_BOND_ARP_INTERVAL"),
        (ifla::IFLA_BOND_ARP_IP_TARGET, "IFLA_BOND_ARP_IP_TARGET"),
        (ifla::IFLA_BOND_ARP_VALIDATE, "IFLA_BOND_ARP_VALIDATE"),
        (ifla::IFLA_BOND_ARP_ALL_TARGETS, "IFLA_BOND_ARP_ALL_TARGETS"),
        (ifla::IFLA_BOND_PRIMARY, "IFLA_BOND_PRIMARY"),
        (
            ifla::IFLA_BOND_PRIMARY_RESELECT,
            "IFLA_BOND_PRIMARY_RESELECT",
        ),
        (ifla::IFLA_BOND_FAIL_OVER_MAC, "IFLA_BOND_FAIL_OVER_MAC"),
        (
            ifla::IFLA_BOND_XMIT_HASH_POLICY,
            "IFLA_BOND_XMIT_HASH_POLICY",
        ),
        (ifla::IFLA_BOND_RESEND_IGMP, "IFLA_BOND_RESEND_IGMP"),
        (ifla::IFLA_BOND_NUM_PEER_NOTIF, "IFLA_BOND_NUM_PEER_NOTIF"),
        (
            ifla::IFLA_BOND_ALL_SLAVES_ACTIVE,
            "IFLA_BOND_ALL_SLAVES_ACTIVE",
        ),
        (ifla::IFLA_BOND_MIN_LINKS, "IFLA_BOND_MIN_LINKS"),
        (ifla::IFLA_BOND_LP_INTERVAL, "IFLA_BOND_LP_INTERVAL"),
        (
            ifla::IFLA_BOND_PACKETS_PER_SLAVE,
            "IFLA_BOND_PACKETS_PER_SLAVE",
        ),
        (ifla::IFLA_BOND_AD_LACP_RATE, "IFLA_BOND_AD_LACP_RATE"),
        (ifla::IFLA_BOND_AD_SELECT, "IFLA_BOND_AD_SELECT"),
        (ifla::IFLA_BOND_AD_INFO, "IFLA_BOND_AD_INFO"),
        (
            ifla::IFLA_BOND_AD_ACTOR_SYS_PRIO,
            "IFLA_BOND_AD_ACTOR_SYS_PRIO",
        ),
        (
            ifla::IFLA_BOND_AD_USER_PORT_KEY,
            "IFLA_BOND_AD_USER_PORT_KEY",
        ),
        (ifla::IFLA_BOND_AD_ACTOR_SYSTEM, "IFLA_BOND_AD_ACTOR_SYSTEM"),
        (ifla::IFLA_BOND_TLB_DYNAMIC_LB, "IFLA_BOND_TLB_DYNAMIC_LB"),
        (
            ifla::IFLA_BOND_PEER_NOTIF_DELAY,
            "IFLA_BOND_PEER_NOTIF_DELAY",
        ),
        (ifla::IFLA_BOND_AD_LACP_ACTIVE, "IFLA_BOND_AD_LACP_ACTIVE"),
        (ifla::IFLA_BOND_MISSED_MAX, "IFLA_BOND_MISSED_MAX"),
        (ifla::IFLA_BOND_NS_IP6_TARGET, "IFLA_BOND_NS_IP6_TARGET"),
        (ifla::IFLA_BOND_COUPLED_CONTROL, "IFLA_BOND_COUPLED_CONTROL"),
        (ifla::IFLA_BOND_BROADCAST_NEIGH, "IFLA_BOND_BROADCAST_NEIGH"),
        (ifla::IFLA_BOND_LACP_STRICT, "IFLA_BOND_LACP_STRICT"),
    ];
    for (v, n) in consts {
        assert_eq!(ifla::BOND_ATTR_NAMES[usize::from(v)], n);
    }
    let slave = [
        (ifla::IFLA_BOND_SLAVE_STATE, "IFLA_BOND_SLAVE_STATE"),
        (
            ifla::IFLA_BOND_SLAVE_MII_STATUS,
            "IFLA_BOND_SLAVE_MII_STATUS",
        ),
        (
            ifla::IFLA_BOND_SLAVE_LINK_FAILURE_COUNT,
            "IFLA_BOND_SLAVE_LINK_FAILURE_COUNT",
        ),
        (
            ifla::IFLA_BOND_SLAVE_PERM_HWADDR,
            "IFLA_BOND_SLAVE_PERM_HWADDR",
        ),
        (ifla::IFLA_BOND_SLAVE_QUEUE_ID, "IFLA_BOND_SLAVE_QUEUE_ID"),
        (
            ifla::IFLA_BOND_SLAVE_AD_AGGREGATOR_ID,
            "IFLA_BOND_SLAVE_AD_AGGREGATOR_ID",
        ),
        (
            ifla::IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE,
            "IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE",
        ),
        (
            ifla::IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE,
            "IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE",
        ),
        (ifla::IFLA_BOND_SLAVE_PRIO, "IFLA_BOND_SLAVE_PRIO"),
        (
            ifla::IFLA_BOND_SLAVE_ACTOR_PORT_PRIO,
            "IFLA_BOND_SLAVE_ACTOR_PORT_PRIO",
        ),
        (
            ifla::IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE,
            "IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE",
        ),
        (
            ifla::IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE,
            "IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE",
        ),
    ];
    for (v, n) in slave {
        assert_eq!(ifla::SLAVE_ATTR_NAMES[usize::from(v)], n);
    }
}

fn c_policy(src: &str, start: &str, names: &[&str]) -> Vec<Option<NlaType>> {
    let body = block_after(src, start);
    let mut out = vec![None; names.len()];
    for entry in split_top(body) {
        let (idx, spec) = entry.split_once('=').unwrap();
        let idx = idx
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim();
        let i = names.iter().position(|n| *n == idx).unwrap();
        let spec = spec.trim();
        let t = if spec.starts_with("NLA_POLICY_FULL_RANGE(NLA_U32") {
            let max = block_after(src, "netlink_range_validation delay_range");
            let max = max.split_once(".max =").unwrap().1;
            let max: u32 = max.trim().trim_end_matches(',').trim().parse().unwrap();
            NlaType::U32Range { min: 0, max }
        } else if spec.contains("NLA_BINARY") {
            assert!(spec.contains(".len  = ETH_ALEN") || spec.contains(".len = ETH_ALEN"));
            NlaType::Binary { max_len: 6 }
        } else {
            let ty = spec.split_once(".type =").unwrap().1;
            match ty.trim().trim_end_matches('}').trim() {
                "NLA_U8" => NlaType::U8,
                "NLA_U16" => NlaType::U16,
                "NLA_U32" => NlaType::U32,
                "NLA_S32" => NlaType::S32,
                "NLA_NESTED" => NlaType::Nested,
                o => panic!("unknown nla type {o}"),
            }
        };
        out[i] = Some(t);
    }
    out
}

#[test]
fn policies_match_bond_netlink_c() {
    let Some(src) = read("drivers/net/bonding/bond_netlink.c") else {
        return;
    };
    let src = strip_comments(&src);
    assert_eq!(
        c_policy(
            &src,
            "static const struct nla_policy bond_policy[",
            &ifla::BOND_ATTR_NAMES
        ),
        ifla::BOND_POLICY
    );
    assert_eq!(
        c_policy(
            &src,
            "static const struct nla_policy bond_slave_policy[",
            &ifla::SLAVE_ATTR_NAMES
        ),
        ifla::SLAVE_POLICY
    );
    // Every option with a netlink attribute is set through that attribute
    // with the matching BOND_OPT_* in bond_changelink/bond_slave_changelink.
    for id in OptionId::ALL {
        let Some(a) = ifla::nl_attr(id) else { continue };
        let name = match a {
            ifla::NlAttr::Bond(n) => ifla::BOND_ATTR_NAMES[usize::from(n)],
            ifla::NlAttr::Slave(n) => ifla::SLAVE_ATTR_NAMES[usize::from(n)],
        };
        if id == OptionId::UseCarrier {
            assert!(src.contains("use_carrier cannot be disabled"));
            continue;
        }
        let at = src
            .find(&format!("if (data[{name}])"))
            .unwrap_or_else(|| panic!("{name} not handled"));
        let block = &src[at..];
        let end = block[1..].find("if (data[").map_or(block.len(), |n| n + 1);
        assert!(
            block[..end].contains(&format!("{},", id.c_name())),
            "{name} does not set {}",
            id.c_name()
        );
    }
    for m in [
        ifla::msgs::USE_CARRIER_OBSOLETE,
        ifla::msgs::ARP_WITH_MIIMON,
        ifla::msgs::ARP_VALIDATE_WITH_MIIMON,
        ifla::msgs::INVALID_IPV6,
    ] {
        assert!(src.contains(&format!("\"{m}\"")), "{m:?}");
    }
}

#[test]
fn module_params_match_bond_main_c() {
    let Some(src) = read("drivers/net/bonding/bond_main.c") else {
        return;
    };
    let src = strip_comments(&src);
    let syms = headers().unwrap();
    let mut descs: HashMap<String, String> = HashMap::new();
    let mut params: Vec<(String, String, String, String)> = vec![];
    let mut rest = src.as_str();
    while let Some(at) = rest.find("module_param") {
        let after = &rest[at..];
        let open = after.find('(').unwrap();
        let kind = &after[..open];
        let close = after.find(");").unwrap();
        let args = split_top(&after[open + 1..close]);
        match kind {
            "module_param" => params.push((
                args[0].clone(),
                args[0].clone(),
                args[1].clone(),
                args[2].clone(),
            )),
            "module_param_named" => params.push((
                args[0].clone(),
                args[1].clone(),
                args[2].clone(),
                args[3].clone(),
            )),
            "module_param_array" => params.push((
                args[0].clone(),
                args[0].clone(),
                format!("array of {}", args[1]),
                args[3].clone(),
            )),
            _ => {}
        }
        rest = &after[close..];
    }
    let mut rest = src.as_str();
    while let Some(at) = rest.find("MODULE_PARM_DESC(") {
        let after = &rest[at + "MODULE_PARM_DESC(".len()..];
        let close = after.find(");").unwrap();
        let args = split_top(&after[..close]);
        descs.insert(args[0].clone(), c_strings(&args[1]).unwrap());
        rest = &after[close..];
    }
    assert_eq!(params.len(), MODULE_PARAMS.len(), "module param count");
    for (p, (name, var, ty, perm)) in MODULE_PARAMS.iter().zip(&params) {
        assert_eq!(p.name, name);
        assert_eq!(p.var, var, "{name}");
        assert_eq!(p.ty.c_type(), ty, "{name}");
        let perm = if perm == "0" {
            0
        } else {
            i64::from_str_radix(perm, 8).unwrap()
        };
        assert_eq!(i64::from(p.perm), perm, "{name}");
        assert_eq!(Some(&p.desc.to_string()), descs.get(name), "{name} desc");
        // Initial value of the C variable.
        let decl = src
            .lines()
            .find(|l| {
                l.starts_with("static ")
                    && l.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|w| w == var)
                    && l.trim_end().ends_with(';')
            })
            .unwrap_or_else(|| panic!("no declaration of {var}"));
        let init = decl
            .split_once('=')
            .map(|(_, e)| e.trim().trim_end_matches(';'));
        let want = match (p.ty, init) {
            (ParamType::Charp | ParamType::CharpArray(_), None) => ParamDefault::Null,
            (_, None) => ParamDefault::Int(0),
            (_, Some(e)) => {
                ParamDefault::Int(Eval::run(&syms, e).unwrap_or_else(|| panic!("{var} init {e}")))
            }
        };
        assert_eq!(p.default, want, "{name} default");
        if let ParamType::CharpArray(n) = p.ty {
            assert!(decl.contains(&format!("{var}[BOND_MAX_ARP_TARGETS]")));
            assert_eq!(n as i64, syms["BOND_MAX_ARP_TARGETS"]);
        }
    }
}
