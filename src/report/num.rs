//! Exact decimal numbers as written in a report cell.
//!
//! Cells hold counts (integers) and, in two places, money amounts with decimals
//! (2021 行政事业性收费 in 万元, 2019 采购总金额). Floating point would print
//! `1.2350` as `1.235` and cannot add reliably, so a number keeps its mantissa
//! and the number of decimals the author wrote.

use std::cmp::Ordering;
use std::fmt;

/// Largest mantissa we accept (15 significant digits): far above any real
/// count, small enough that any sum over a report stays exact in `i128`.
const MAX_MANTISSA: i128 = 999_999_999_999_999;

/// A decimal number: `mantissa × 10^-scale`, e.g. `1.2350` = (12350, 4).
///
/// Packed to 2-byte alignment: an `i128` would align every cell of every
/// report to 16 bytes (a 10,000-report portal holds ~2.5 million cells; see
/// `Cell` for the size this buys).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, packed(2))]
pub struct Num {
    mantissa: i128,
    scale: u8,
}

/// Why a text is not a plain decimal number.
#[derive(Debug, PartialEq, Eq)]
pub enum NumError {
    /// Not of the form `[+-]digits[.digits]`.
    NotDecimal,
    /// More than 15 significant digits.
    TooLarge,
}

impl Num {
    /// The number exactly as written (mantissa and scale: 1.0 is not 1.00),
    /// as bytes to hash.
    pub fn exact_bytes(&self) -> [u8; 17] {
        let mut out = [0; 17];
        let (mantissa, scale) = (self.mantissa, self.scale);
        out[..16].copy_from_slice(&mantissa.to_le_bytes());
        out[16] = scale;
        out
    }

    /// An integer.
    pub const fn int(n: i128) -> Num {
        Num {
            mantissa: n,
            scale: 0,
        }
    }

    /// Parses a plain decimal as typed in YAML: `12`, `+19`, `-8`, `0.0350`.
    /// Exponents, hex, underscores and leading zeros (`0012`) are refused: an
    /// officer who typed them meant something we should not guess.
    pub fn parse(text: &str) -> Result<Num, NumError> {
        let t = text.trim();
        let (negative, digits) = match t.as_bytes().first() {
            Some(b'+') => (false, &t[1..]),
            Some(b'-') => (true, &t[1..]),
            _ => (false, t),
        };
        let (int_part, frac_part) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
            return Err(NumError::NotDecimal);
        }
        if int_part.len() > 1 && int_part.starts_with('0') {
            return Err(NumError::NotDecimal);
        }
        let frac = frac_part.unwrap_or("");
        if int_part.len() + frac.len() > 15 {
            return Err(NumError::TooLarge);
        }
        let mut mantissa: i128 = 0;
        for b in int_part.bytes().chain(frac.bytes()) {
            mantissa = mantissa * 10 + i128::from(b - b'0');
        }
        if mantissa > MAX_MANTISSA {
            return Err(NumError::TooLarge);
        }
        Ok(Num {
            mantissa: if negative { -mantissa } else { mantissa },
            scale: frac.len() as u8,
        })
    }

    /// The mantissa and the number of decimals (`1.2350` → (12350, 4)).
    pub fn parts(&self) -> (i128, u8) {
        (self.mantissa, self.scale)
    }

    /// True when written without a decimal point.
    pub fn is_integer(&self) -> bool {
        self.scale == 0
    }

    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// Decimals as written (`1.2350` → 4).
    pub fn decimals(&self) -> u8 {
        self.scale
    }

    /// The integer value when the number has no decimals.
    pub fn as_int(&self) -> Option<i128> {
        self.is_integer().then_some(self.mantissa)
    }

    /// Approximate value, for charts and ratios only.
    pub fn to_f64(&self) -> f64 {
        self.mantissa as f64 / 10f64.powi(i32::from(self.scale))
    }

    fn rescaled(&self, scale: u8) -> i128 {
        self.mantissa * 10i128.pow(u32::from(scale - self.scale))
    }

    /// The number divided by 10^`places`, without trailing zeros
    /// (12500 元 → 1.25 万元: `Num::int(12500).shifted_down(4)`).
    pub fn shifted_down(&self, places: u8) -> Num {
        let (mut mantissa, mut scale) = (self.mantissa, self.scale.saturating_add(places));
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Num { mantissa, scale }
    }

    /// The number shown with exactly `decimals` decimals, when that loses nothing.
    pub fn with_decimals(&self, decimals: u8) -> Option<Num> {
        if decimals >= self.scale {
            return Some(Num {
                mantissa: self.rescaled(decimals),
                scale: decimals,
            });
        }
        let drop = 10i128.pow(u32::from(self.scale - decimals));
        (self.mantissa % drop == 0).then(|| Num {
            mantissa: self.mantissa / drop,
            scale: decimals,
        })
    }
}

/// Numeric equality: `0.3 == 0.30`.
impl PartialEq for Num {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Num {}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.rescaled(scale).cmp(&other.rescaled(scale))
    }
}

/// Exact sum.
impl std::ops::Add for Num {
    type Output = Num;
    fn add(self, other: Num) -> Num {
        let scale = self.scale.max(other.scale);
        Num {
            mantissa: self.rescaled(scale) + other.rescaled(scale),
            scale,
        }
    }
}

/// Exact difference.
impl std::ops::Sub for Num {
    type Output = Num;
    fn sub(self, other: Num) -> Num {
        self + Num {
            mantissa: -other.mantissa,
            scale: other.scale,
        }
    }
}

impl std::iter::Sum for Num {
    fn sum<I: Iterator<Item = Num>>(iter: I) -> Num {
        iter.fold(Num::int(0), |a, b| a + b)
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let abs = self.mantissa.unsigned_abs();
        // Every count fits in 64 bits, which format much faster than 128.
        // (itoa, not `write!`: tables, data files and pages write every cell.)
        if let (Ok(small), true) = (u64::try_from(abs), self.scale <= 19) {
            let mut digits = itoa::Buffer::new();
            f.write_str(sign)?;
            if self.scale == 0 {
                return f.write_str(digits.format(small));
            }
            let p = 10u64.pow(u32::from(self.scale));
            f.write_str(digits.format(small / p))?;
            f.write_str(".")?;
            let fraction = digits.format(small % p);
            for _ in fraction.len()..usize::from(self.scale) {
                f.write_str("0")?;
            }
            return f.write_str(fraction);
        }
        if self.scale == 0 {
            return write!(f, "{sign}{abs}");
        }
        let p = 10u128.pow(u32::from(self.scale));
        write!(
            f,
            "{sign}{}.{:0width$}",
            abs / p,
            abs % p,
            width = usize::from(self.scale)
        )
    }
}

impl serde::Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_int().and_then(|n| i64::try_from(n).ok()) {
            Some(n) => s.serialize_i64(n),
            // Keep exact decimals: JSON numbers are written from the text.
            None => {
                let text = self.to_string();
                let v: serde_json::Number = text.parse().map_err(serde::ser::Error::custom)?;
                v.serialize(s)
            }
        }
    }
}

/// A number in the load cache (`load_cache`): its mantissa and scale,
/// exactly (the `Serialize` above is for published JSON).
pub mod parts {
    use super::Num;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(n: &Num, s: S) -> Result<S::Ok, S::Error> {
        n.parts().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        let (mantissa, scale) = <(i128, u8)>::deserialize(d)?;
        if scale > 38 {
            return Err(serde::de::Error::custom("scale out of range"));
        }
        Ok(Num { mantissa, scale })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_decimals_and_keeps_written_decimals() {
        assert_eq!(Num::parse("31").unwrap().to_string(), "31");
        assert_eq!(Num::parse("+19").unwrap().to_string(), "19");
        assert_eq!(Num::parse("-8").unwrap().to_string(), "-8");
        assert_eq!(Num::parse("1.2350").unwrap().to_string(), "1.2350");
        assert_eq!(Num::parse("0.035").unwrap().to_string(), "0.035");
        assert_eq!(Num::parse("0").unwrap().to_string(), "0");
    }

    #[test]
    fn numbers_past_64_bits_and_19_decimals_print_exactly() {
        let cases: [(i128, u8, &str); 8] = [
            (18446744073709551615, 0, "18446744073709551615"),
            (18446744073709551616, 0, "18446744073709551616"),
            (
                -123456789012345678901234567890,
                0,
                "-123456789012345678901234567890",
            ),
            (1, 19, "0.0000000000000000001"),
            (1, 20, "0.00000000000000000001"),
            (100000000000000000001, 20, "1.00000000000000000001"),
            (-99999999999999999995, 1, "-9999999999999999999.5"),
            (123456789, 4, "12345.6789"),
        ];
        for (mantissa, scale, text) in cases {
            assert_eq!(Num { mantissa, scale }.to_string(), text);
        }
    }

    /// The fast path prints what plain `format!` of the parts prints.
    #[test]
    fn prints_as_the_parts_format() {
        let mantissas = [
            0i128,
            1,
            5,
            9,
            10,
            42,
            100,
            999,
            1001,
            12345,
            106956,
            1 << 40,
        ];
        for m in mantissas
            .into_iter()
            .flat_map(|m| [m, -m, m + 7, u64::MAX as i128 - m])
        {
            for scale in 0..=20u8 {
                let abs = m.unsigned_abs();
                let sign = if m < 0 { "-" } else { "" };
                let p = 10u128.pow(u32::from(scale));
                let expected = if scale == 0 {
                    format!("{sign}{abs}")
                } else {
                    let width = usize::from(scale);
                    format!("{sign}{}.{:0width$}", abs / p, abs % p)
                };
                let n = Num { mantissa: m, scale };
                assert_eq!(n.to_string(), expected, "{m} {scale}");
            }
        }
    }

    #[test]
    fn refuses_what_an_officer_would_not_mean() {
        for bad in [
            "1e3", "0x1F", "1_000", "0012", "", "+", "1.", ".5", "NaN", "１２",
        ] {
            assert_eq!(Num::parse(bad), Err(NumError::NotDecimal), "{bad}");
        }
        assert_eq!(Num::parse("18446744073709551616"), Err(NumError::TooLarge));
    }

    #[test]
    fn adds_and_compares_exactly_across_scales() {
        let a = Num::parse("0.1").unwrap();
        let b = Num::parse("0.20").unwrap();
        assert_eq!((a + b).to_string(), "0.30");
        assert_eq!(
            (a + b),
            Num::parse("0.3").unwrap().with_decimals(2).unwrap()
        );
        assert!(Num::parse("0.3").unwrap() == Num::parse("0.3").unwrap());
        assert_eq!(
            Num::parse("0.3").unwrap().cmp(&Num::parse("0.30").unwrap()),
            Ordering::Equal
        );
    }

    #[test]
    fn shows_fixed_decimals_only_when_nothing_is_lost() {
        assert_eq!(Num::int(0).with_decimals(4).unwrap().to_string(), "0.0000");
        assert_eq!(
            Num::parse("1.23")
                .unwrap()
                .with_decimals(4)
                .unwrap()
                .to_string(),
            "1.2300"
        );
        assert!(Num::parse("1.23456").unwrap().with_decimals(4).is_none());
        assert_eq!(
            Num::parse("1.23450")
                .unwrap()
                .with_decimals(4)
                .unwrap()
                .to_string(),
            "1.2345"
        );
    }
}
