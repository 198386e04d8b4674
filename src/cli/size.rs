//! Sizes on the command line and in the config file: bytes, or a number with a unit.

/// A size such as `4194304`, `4MiB`, `4M` or `512KiB` (K, M, G are powers of 1024 as in most
/// container tools; `KB`, `MB`, `GB` powers of 1000).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a size (such as 4194304, 4MiB or 512KiB)"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "ki" | "kib" => 1 << 10,
        "m" | "mi" | "mib" => 1 << 20,
        "g" | "gi" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => return Err(format!("unknown unit in `{s}`: use KiB, MiB or GiB")),
    };
    match n.checked_mul(factor) {
        Some(0) => Err("a size must be at least 1 byte".into()),
        Some(v) => Ok(v),
        None => Err(format!("`{s}` is too large")),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_units() {
        assert_eq!(parse_size("4194304"), Ok(4 * 1024 * 1024));
        assert_eq!(parse_size("4MiB"), Ok(4 * 1024 * 1024));
        assert_eq!(parse_size("4M"), Ok(4 * 1024 * 1024));
        assert_eq!(parse_size("512KiB"), Ok(512 * 1024));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("4XB").is_err());
        assert!(parse_size("MiB").is_err());
    }
}
