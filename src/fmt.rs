// SPDX-License-Identifier: GPL-2.0

//! Formatting of addresses as C's `printk` extensions print them (`%pM`, `%pI4`, `%pI6c`), for
//! `/proc`, sysfs and log lines, and the check of an interface name written to sysfs. A leaf: it
//! imports nothing of the driver.

/// `%pI4`.
pub(crate) fn ip4(t: [u8; 4]) -> impl core::fmt::Display {
    struct D([u8; 4]);
    impl core::fmt::Display for D {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            write!(f, "{}.{}.{}.{}", self.0[0], self.0[1], self.0[2], self.0[3])
        }
    }
    D(t)
}

/// `%pM`, `%*phC`: a hardware address as colon-separated hex bytes.
pub(crate) struct Mac<'a>(pub(crate) &'a [u8]);

impl kernel::fmt::Display for Mac<'_> {
    fn fmt(&self, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
        core::fmt::Display::fmt(self, f)
    }
}

impl core::fmt::Display for Mac<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{:02x}", b)?;
        }
        Ok(())
    }
}

/// `%pI6c`: compressed IPv6 notation (RFC 5952).
pub(crate) struct Ipv6(pub(crate) [u8; 16]);

impl kernel::fmt::Display for Ipv6 {
    fn fmt(&self, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
        core::fmt::Display::fmt(self, f)
    }
}

impl core::fmt::Display for Ipv6 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let w: [u16; 8] =
            core::array::from_fn(|i| u16::from_be_bytes([self.0[2 * i], self.0[2 * i + 1]]));
        // Longest run (>= 2) of zero words.
        let (mut best, mut best_len, mut i) = (8usize, 0usize, 0usize);
        while i < 8 {
            if w[i] == 0 {
                let s = i;
                while i < 8 && w[i] == 0 {
                    i += 1;
                }
                if i - s > best_len && i - s >= 2 {
                    best = s;
                    best_len = i - s;
                }
            } else {
                i += 1;
            }
        }
        let mut i = 0;
        while i < 8 {
            if i == best {
                write!(f, "::")?;
                i += best_len;
                continue;
            }
            if i > 0 && i != best + best_len {
                write!(f, ":")?;
            }
            write!(f, "{:x}", w[i])?;
            i += 1;
        }
        Ok(())
    }
}

/// C `dev_valid_name()`.
pub(crate) fn dev_valid_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() < crate::bindings::IFNAMSIZ as usize
        && name != b"."
        && name != b".."
        && !name
            .iter()
            .any(|&b| b == b'/' || b == b':' || b.is_ascii_whitespace())
}
