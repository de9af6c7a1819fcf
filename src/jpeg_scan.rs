//! Checks that the compressed data of a sequential (baseline or extended) Huffman JPEG is
//! intact, as libjpeg does when it reports "Corrupt JPEG data": every scan is walked symbol by
//! symbol through its Huffman tables, without decoding pixels, and must hold exactly the
//! blocks the frame header promises, with valid codes, its restart markers in sequence, and
//! nothing left over before the next marker.
//!
//! Decoders fill damaged or missing data with grey and say nothing; a comparison would then
//! report the grey as changed. Progressive, arithmetic-coded and lossless JPEGs are not walked
//! (the strict decoder in [`crate::io`] still checks them as well as it can). This module
//! decodes no image.

/// One Huffman table in the form JPEG decoders use: for each code length, the largest code,
/// and where its symbols start.
#[derive(Clone, Debug)]
struct Huffman {
    /// Largest code of each length 1..=16 (index 0 unused), or -1 when there is none.
    max_code: [i32; 17],
    /// Index into `symbols` of the first code of each length, minus that code.
    offset: [i32; 17],
    symbols: Vec<u8>,
    /// For each value of the next [`LOOKAHEAD`] bits, the code they begin with when it is that
    /// short, as `length << 8 | symbol`; 0 when it is longer (or bad), for the bit-by-bit walk.
    fast: Vec<u16>,
}

/// Bits looked at in one step when walking Huffman codes. Nearly all codes of a photograph
/// are this short, so the walk rarely goes bit by bit.
const LOOKAHEAD: u32 = 9;

impl Huffman {
    fn new(counts: &[u8; 16], symbols: Vec<u8>) -> Self {
        let mut max_code = [-1_i32; 17];
        let mut offset = [0_i32; 17];
        let mut code = 0_i32;
        let mut k = 0_i32;
        for len in 1..=16 {
            let n = i32::from(counts[len - 1]);
            if n > 0 {
                offset[len] = k - code;
                code += n;
                k += n;
                max_code[len] = code - 1;
            }
            code <<= 1;
        }
        // Each entry is what the bit-by-bit walk in `Bits::symbol` finds for those bits, so
        // the two agree on every table, malformed ones too.
        let fast = (0..1_usize << LOOKAHEAD)
            .map(|bits| {
                for len in 1..=LOOKAHEAD as usize {
                    let code = i32::try_from(bits >> (LOOKAHEAD as usize - len)).unwrap_or(0);
                    if code <= max_code[len] {
                        let symbol = usize::try_from(offset[len] + code)
                            .ok()
                            .and_then(|i| symbols.get(i));
                        return symbol.map_or(0, |&s| ((len as u16) << 8) | u16::from(s));
                    }
                }
                0
            })
            .collect();
        Self {
            max_code,
            offset,
            symbols,
            fast,
        }
    }
}

/// Reads the entropy-coded bits of a scan, undoing byte stuffing and stopping at markers.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    count: u32,
    /// A marker was met: no more data bytes until it is dealt with.
    at_marker: bool,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8], pos: usize) -> Self {
        Self {
            data,
            pos,
            acc: 0,
            count: 0,
            at_marker: false,
        }
    }

    fn fill(&mut self) {
        while self.count <= 56 && !self.at_marker {
            let Some(&b) = self.data.get(self.pos) else {
                self.at_marker = true;
                break;
            };
            if b == 0xFF {
                match self.data.get(self.pos + 1) {
                    Some(0x00) => {
                        self.pos += 2;
                    }
                    _ => {
                        self.at_marker = true;
                        break;
                    }
                }
            } else {
                self.pos += 1;
            }
            self.acc |= u64::from(b) << (56 - self.count);
            self.count += 8;
        }
    }

    /// The next bit, or `None` past the end of the scan's data.
    fn bit(&mut self) -> Option<u32> {
        if self.count == 0 {
            self.fill();
            if self.count == 0 {
                return None;
            }
        }
        let b = (self.acc >> 63) as u32;
        self.acc <<= 1;
        self.count -= 1;
        Some(b)
    }

    /// Skips `n` bits (at most 16), or `None` when the scan's data ends first.
    fn skip(&mut self, n: u32) -> Option<()> {
        if self.count < n {
            self.fill();
        }
        if self.count < n {
            return None;
        }
        self.acc = self.acc.checked_shl(n).unwrap_or(0);
        self.count -= n;
        Some(())
    }

    fn symbol(&mut self, table: &Huffman) -> Result<u8, String> {
        if self.count < 16 {
            self.fill();
        }
        if self.count >= LOOKAHEAD {
            let entry = table.fast[(self.acc >> (64 - LOOKAHEAD)) as usize];
            if entry != 0 {
                let len = u32::from(entry >> 8);
                self.acc <<= len;
                self.count -= len;
                return Ok((entry & 0xFF) as u8);
            }
        }
        let mut code = 0_i32;
        for len in 1..=16 {
            let b = self.bit().ok_or("premature end of data segment")?;
            code = (code << 1) | i32::try_from(b).unwrap_or(0);
            if code <= table.max_code[len] {
                let i = usize::try_from(table.offset[len] + code).unwrap_or(usize::MAX);
                return table
                    .symbols
                    .get(i)
                    .copied()
                    .ok_or_else(|| "bad Huffman code".to_string());
            }
        }
        Err("bad Huffman code".to_string())
    }

    /// Drops the padding bits of the current byte; returns how many data bytes were left
    /// before the marker that ends the data.
    fn finish(&mut self) -> usize {
        // Whole unread bytes still in the accumulator are data left over.
        let mut extra = (self.count / 8) as usize;
        self.acc = 0;
        self.count = 0;
        while !self.at_marker {
            match self.data.get(self.pos) {
                None => break,
                Some(0xFF) => match self.data.get(self.pos + 1) {
                    Some(0x00) => {
                        extra += 1;
                        self.pos += 2;
                    }
                    _ => self.at_marker = true,
                },
                Some(_) => {
                    extra += 1;
                    self.pos += 1;
                }
            }
        }
        extra
    }

    /// Takes the marker the data stopped at (after any fill bytes): its code, or `None` at the
    /// end of the file.
    fn take_marker(&mut self) -> Option<u8> {
        while self.data.get(self.pos) == Some(&0xFF) && self.data.get(self.pos + 1) == Some(&0xFF) {
            self.pos += 1;
        }
        if self.data.get(self.pos) != Some(&0xFF) {
            return None;
        }
        let m = *self.data.get(self.pos + 1)?;
        self.pos += 2;
        self.at_marker = false;
        Some(m)
    }
}

#[derive(Clone, Copy, Debug)]
struct Component {
    id: u8,
    h: u32,
    v: u32,
}

fn be16(data: &[u8], at: usize) -> Option<usize> {
    Some((usize::from(*data.get(at)?) << 8) | usize::from(*data.get(at + 1)?))
}

/// Checks the compressed data of a JPEG as described in the module documentation.
///
/// # Errors
/// What libjpeg would call corrupt: a bad Huffman code, a block with more than 64
/// coefficients, data ending before the frame's blocks are all there, data left over before a
/// marker, a restart marker missing or out of sequence, or a scan before its tables.
pub fn check(data: &[u8]) -> Result<(), String> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return Ok(());
    }
    let mut pos = 2;
    let mut dc: [Option<Huffman>; 4] = [None, None, None, None];
    let mut ac: [Option<Huffman>; 4] = [None, None, None, None];
    let mut frame: Option<(u32, u32, Vec<Component>)> = None;
    let mut restart = 0_usize;
    loop {
        // Find the next marker.
        while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        if data.get(pos) != Some(&0xFF) {
            return Err(match data.get(pos) {
                None => "no end-of-image marker".to_string(),
                Some(_) => "data where a marker was expected".to_string(),
            });
        }
        let Some(&marker) = data.get(pos + 1) else {
            return Err("no end-of-image marker".to_string());
        };
        pos += 2;
        match marker {
            0xD9 => return Ok(()),
            0xD0..=0xD7 | 0x01 => continue,
            _ => {}
        }
        let len = be16(data, pos).ok_or("segment cut short")?;
        if len < 2 || pos + len > data.len() {
            return Err(format!(
                "segment 0xFF{marker:02X} runs past the end of the file"
            ));
        }
        let seg = &data[pos + 2..pos + len];
        pos += len;
        match marker {
            0xC0 | 0xC1 => {
                if seg.len() < 6 {
                    return Err("frame header cut short".to_string());
                }
                let height = u32::try_from(be16(seg, 1).unwrap_or(0)).unwrap_or(0);
                let width = u32::try_from(be16(seg, 3).unwrap_or(0)).unwrap_or(0);
                let n = usize::from(seg[5]);
                if height == 0 || seg.len() < 6 + 3 * n || n == 0 || n > 4 {
                    // Height in a later DNL segment, or an odd header: not walked.
                    return Ok(());
                }
                let comps = (0..n)
                    .map(|i| Component {
                        id: seg[6 + 3 * i],
                        h: u32::from(seg[7 + 3 * i] >> 4).max(1),
                        v: u32::from(seg[7 + 3 * i] & 15).max(1),
                    })
                    .collect();
                frame = Some((width, height, comps));
            }
            // Progressive, lossless, arithmetic-coded or hierarchical: not walked.
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return Ok(()),
            0xC4 => {
                let mut s = seg;
                while s.len() >= 17 {
                    let class = s[0] >> 4;
                    let slot = usize::from(s[0] & 15);
                    let mut counts = [0_u8; 16];
                    counts.copy_from_slice(&s[1..17]);
                    let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
                    if s.len() < 17 + total || slot > 3 {
                        return Err("bad Huffman table".to_string());
                    }
                    let table = Huffman::new(&counts, s[17..17 + total].to_vec());
                    if class == 0 {
                        dc[slot] = Some(table);
                    } else {
                        ac[slot] = Some(table);
                    }
                    s = &s[17 + total..];
                }
            }
            0xDD => {
                restart = be16(seg, 0).ok_or("restart interval cut short")?;
            }
            0xDA => {
                let Some((width, height, comps)) = &frame else {
                    return Err("scan before the frame header".to_string());
                };
                let ns = usize::from(*seg.first().ok_or("scan header cut short")?);
                if seg.len() < 1 + 2 * ns + 3 || ns == 0 {
                    return Err("scan header cut short".to_string());
                }
                let mut members = Vec::with_capacity(ns);
                for i in 0..ns {
                    let id = seg[1 + 2 * i];
                    let tables = seg[2 + 2 * i];
                    let c = comps
                        .iter()
                        .find(|c| c.id == id)
                        .ok_or("scan names a component the frame lacks")?;
                    let d = dc[usize::from(tables >> 4) & 3]
                        .as_ref()
                        .ok_or("scan before its DC table")?;
                    let a = ac[usize::from(tables & 15) & 3]
                        .as_ref()
                        .ok_or("scan before its AC table")?;
                    members.push((*c, d, a));
                }
                let hmax = comps.iter().map(|c| c.h).max().unwrap_or(1);
                let vmax = comps.iter().map(|c| c.v).max().unwrap_or(1);
                let ceil = |a: u32, b: u32| a.div_ceil(b);
                // Blocks per MCU, and MCUs in the scan.
                let (mcus, blocks): (usize, Vec<(usize, &Huffman, &Huffman)>) = if ns == 1 {
                    let (c, d, a) = members[0];
                    let cw = ceil(width * c.h, hmax);
                    let ch = ceil(height * c.v, vmax);
                    ((ceil(cw, 8) * ceil(ch, 8)) as usize, vec![(1, d, a)])
                } else {
                    let n = (ceil(*width, 8 * hmax) * ceil(*height, 8 * vmax)) as usize;
                    (
                        n,
                        members
                            .iter()
                            .map(|(c, d, a)| ((c.h * c.v) as usize, *d, *a))
                            .collect(),
                    )
                };
                let mut bits = Bits::new(data, pos);
                let mut next_rst = 0_u8;
                for m in 0..mcus {
                    if restart > 0 && m > 0 && m % restart == 0 {
                        let extra = bits.finish();
                        if extra > 0 {
                            return Err(format!(
                                "{extra} extraneous bytes before a restart marker"
                            ));
                        }
                        match bits.take_marker() {
                            Some(r) if r == 0xD0 + next_rst => next_rst = (next_rst + 1) % 8,
                            Some(r) => {
                                return Err(format!(
                                    "restart marker 0xFF{r:02X} where 0xFF{:02X} was due",
                                    0xD0 + next_rst
                                ));
                            }
                            None => return Err("premature end of data segment".to_string()),
                        }
                    }
                    for &(count, d, a) in &blocks {
                        for _ in 0..count {
                            block(&mut bits, d, a)?;
                        }
                    }
                }
                let extra = bits.finish();
                if extra > 0 {
                    return Err(format!("{extra} extraneous bytes before a marker"));
                }
                pos = bits.pos;
            }
            _ => {}
        }
    }
}

/// Walks one block's DC and AC codes.
fn block(bits: &mut Bits<'_>, dc: &Huffman, ac: &Huffman) -> Result<(), String> {
    let s = bits.symbol(dc)?;
    if s > 11 {
        return Err("bad DC difference size".to_string());
    }
    bits.skip(u32::from(s))
        .ok_or("premature end of data segment")?;
    let mut k = 1;
    while k < 64 {
        let rs = bits.symbol(ac)?;
        let (r, s) = (u32::from(rs >> 4), u32::from(rs & 15));
        if s == 0 {
            if r == 15 {
                k += 16;
                continue;
            }
            break;
        }
        k += r;
        if k > 63 {
            return Err("more than 64 coefficients in a block".to_string());
        }
        bits.skip(s).ok_or("premature end of data segment")?;
        k += 1;
    }
    if k > 64 {
        return Err("more than 64 coefficients in a block".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| {
            Rgb([(x * 3) as u8, (y * 5) as u8, ((x * y) % 251) as u8])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, ImageFormat::Jpeg)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn intact_files_pass() {
        for (w, h) in [(1, 1), (17, 9), (128, 96), (333, 217)] {
            check(&jpeg(w, h)).unwrap();
        }
    }

    #[test]
    fn damaged_files_fail() {
        let good = jpeg(200, 150);
        let mid = good.len() / 2;
        let mut s = 99_u32;
        let mut noisy = good.clone();
        for b in &mut noisy[mid..mid + 64] {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            *b = (s >> 16) as u8;
        }
        assert!(check(&noisy).is_err());
        let mut cut = good[..mid].to_vec();
        cut.extend_from_slice(&[0xFF, 0xD9]);
        assert!(check(&cut).is_err());
        let mut grown = good[..good.len() - 2].to_vec();
        grown.extend_from_slice(&[0x12, 0x34, 0x56, 0xFF, 0xD9]);
        assert!(check(&grown).is_err());
    }
}
