//! Writing laid-out pages with `krilla`: the embedded faces (subset), each photograph encoded as
//! JPEG when the first page that shows it is written, the footer, and the structure tree: every
//! drawing step is marked content of its element (text as spans, images and shapes as other
//! content), decoration and footers are artifacts, and the elements become the tag tree
//! (headings with their titles, paragraphs, figures with their alternative text), with the
//! document's language and title in the catalog and metadata.

use std::num::NonZeroU16;

use anyhow::{Context, Result};
use image::RgbImage;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, Node, SpanTag, Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, TextDirection};

use super::layout::{ASCENT, Doc, Draw, Face, MARGIN, Role};
use crate::export::draw::Colour;
use crate::job::Job;

const GREY: Colour = [95, 95, 102];

fn fill(c: Colour) -> Fill {
    Fill {
        paint: rgb::Color::new(c[0], c[1], c[2]).into(),
        opacity: NormalizedF32::ONE,
        rule: krilla::paint::FillRule::default(),
    }
}

fn jpeg(img: &RgbImage) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88)
        .encode_image(img)
        .context("cannot encode an image for the PDF")?;
    Ok(out)
}

/// The embedded faces.
struct Fonts {
    regular: Font,
    bold: Font,
    oblique: Font,
    bold_oblique: Font,
    emoji: Font,
}

impl Fonts {
    fn bundled() -> Result<Self> {
        let font = |bytes: &'static [u8]| {
            Font::new(krilla::Data::from(bytes), 0).context("a bundled font cannot be embedded")
        };
        Ok(Self {
            regular: font(crate::fonts::sans_bytes())?,
            bold: font(crate::fonts::sans_bold_bytes())?,
            oblique: font(crate::fonts::sans_oblique_bytes())?,
            bold_oblique: font(crate::fonts::sans_bold_oblique_bytes())?,
            emoji: font(crate::fonts::emoji_bytes())?,
        })
    }

    fn get(&self, face: Face) -> Font {
        match face {
            Face::Regular => self.regular.clone(),
            Face::Bold => self.bold.clone(),
            Face::Oblique => self.oblique.clone(),
            Face::BoldOblique => self.bold_oblique.clone(),
            Face::Emoji => self.emoji.clone(),
        }
    }
}

fn draw_step(
    surface: &mut Surface<'_>,
    step: &Draw,
    fonts: &Fonts,
    images: &[Option<krilla::image::Image>],
) {
    match step {
        Draw::Text {
            face,
            size,
            x,
            top,
            colour,
            text,
        } => {
            surface.set_fill(Some(fill(*colour)));
            surface.draw_text(
                Point::from_xy(*x, top + ASCENT * size),
                fonts.get(*face),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Draw::Image { index, x, y, w, h } => {
            if let (Some(Some(img)), Some(size)) = (images.get(*index), Size::from_wh(*w, *h)) {
                surface.push_transform(&Transform::from_translate(*x, *y));
                surface.draw_image(img.clone(), size);
                surface.pop();
            }
        }
        Draw::Rect { x, y, w, h, colour } => {
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                let mut pb = PathBuilder::new();
                pb.push_rect(rect);
                if let Some(path) = pb.finish() {
                    surface.set_fill(Some(fill(*colour)));
                    surface.draw_path(&path);
                }
            }
        }
        Draw::Disc { cx, cy, r, colour } => {
            // Four cubic Béziers approximate the circle.
            let k = 0.552_284_8 * r;
            let mut pb = PathBuilder::new();
            pb.move_to(cx + r, *cy);
            pb.cubic_to(cx + r, cy + k, cx + k, cy + r, *cx, cy + r);
            pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, *cy);
            pb.cubic_to(cx - r, cy - k, cx - k, cy - r, *cx, cy - r);
            pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, *cy);
            pb.close();
            if let Some(path) = pb.finish() {
                surface.set_fill(Some(fill(*colour)));
                surface.draw_path(&path);
            }
        }
    }
}

fn tag_kind(role: &Role) -> TagKind {
    match role {
        Role::Heading(level, title) => Tag::Hn(
            NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN),
            Some(title.clone()),
        )
        .into(),
        Role::Paragraph => Tag::P.into(),
        Role::Figure(alt) => Tag::Figure(Some(alt.clone())).into(),
        Role::Section => Tag::Section.into(),
        Role::Quote => Tag::BlockQuote.into(),
    }
}

/// The tag tree of the elements: each element's marked content, or the elements under it, in
/// reading order; elements with neither are left out.
fn tag_tree(doc: &Doc, leaves: Vec<Vec<Identifier>>, lang: &str) -> TagTree {
    let n = doc.elems.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, e) in doc.elems.iter().enumerate() {
        match e.parent {
            Some(p) if p < i => children[p].push(i),
            _ => roots.push(i),
        }
    }
    let mut built: Vec<Option<TagGroup>> = vec![None; n];
    let mut leaves = leaves;
    // Children come after their parents, so building from the end finds them done.
    for i in (0..n).rev() {
        let mut group = TagGroup::new(tag_kind(&doc.elems[i].role));
        for id in std::mem::take(&mut leaves[i]) {
            group.push(id);
        }
        for &c in &children[i] {
            if let Some(g) = built[c].take() {
                group.push(Node::Group(g));
            }
        }
        if !group.children.is_empty() {
            built[i] = Some(group);
        }
    }
    let mut tree = TagTree::new().with_lang(Some(lang.to_string()));
    for r in roots {
        if let Some(g) = built[r].take() {
            tree.push(Node::Group(g));
        }
    }
    tree
}

/// What the writer needs besides the layout.
pub(super) struct Meta<'a> {
    /// The document's title, in the metadata and each page's footer.
    pub title: &'a str,
    /// The document's language, a BCP 47 tag.
    pub lang: &'a str,
}

/// Writes the laid-out pages; the pages written are counted ("pages") and the cancel flag
/// checked between them.
pub(super) fn write(doc: &Doc, meta: &Meta<'_>, job: Job<'_>) -> Result<Vec<u8>> {
    let fonts = Fonts::bundled()?;
    let pages = doc.paginate();
    let mut pdf_images: Vec<Option<krilla::image::Image>> = vec![None; doc.images.len()];
    let mut leaves: Vec<Vec<Identifier>> = vec![Vec::new(); doc.elems.len()];
    let mut pdf = Document::new();
    pdf.set_metadata(
        krilla::metadata::Metadata::new()
            .title(meta.title.to_string())
            .language(meta.lang.to_string())
            .creator("Palimpsest".to_string()),
    );
    let (page_w, page_h) = (doc.page_w, doc.page_h);
    let settings = PageSettings::from_wh(page_w, page_h).context("invalid page size")?;
    let count = pages.len();
    job.count("pages", 0, count);
    for (n, ops) in pages.iter().enumerate() {
        job.check()?;
        for op in ops {
            if let Draw::Image { index, .. } = op.draw
                && let (Some(slot @ None), Some(img)) =
                    (pdf_images.get_mut(index), doc.images.get(index))
            {
                let bytes = jpeg(img)?;
                let image = krilla::image::Image::from_jpeg(krilla::Data::from(bytes), true)
                    .map_err(|e| anyhow::anyhow!("cannot embed an image in the PDF: {e}"))?;
                *slot = Some(image);
            }
        }
        let mut page = pdf.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            let tag = match (&op.draw, op.elem) {
                (_, None) => ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout)),
                (Draw::Text { .. }, Some(_)) => ContentTag::Span(SpanTag::empty()),
                (_, Some(_)) => ContentTag::Other,
            };
            let id = surface.start_tagged(tag);
            draw_step(&mut surface, &op.draw, &fonts, &pdf_images);
            surface.end_tagged();
            if let Some(slot) = op.elem.and_then(|e| leaves.get_mut(e)) {
                slot.push(id);
            }
        }
        // Footer: the title and the page number.
        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
            ArtifactType::PaginationOther,
        )));
        let footer_top = page_h - MARGIN + 6.0;
        let number = format!("{} / {count}", n + 1);
        let nw = doc.measure.width(Face::Regular, 8.0, &number);
        let mut short = meta.title.to_string();
        while doc.measure.width(Face::Regular, 8.0, &short) > page_w - 2.0 * MARGIN - nw - 30.0
            && !short.is_empty()
        {
            short.pop();
        }
        for (x, text) in [(page_w - MARGIN - nw, number), (MARGIN, short)] {
            let mut cx = x;
            for p in doc.measure.pieces(Face::Regular, &text) {
                draw_step(
                    &mut surface,
                    &Draw::Text {
                        face: p.face,
                        size: 8.0,
                        x: cx,
                        top: footer_top,
                        colour: GREY,
                        text: p.text.clone(),
                    },
                    &fonts,
                    &pdf_images,
                );
                cx += doc.measure.width(p.face, 8.0, &p.text);
            }
        }
        surface.end_tagged();
        surface.finish();
        page.finish();
        job.count("pages", n + 1, count);
    }
    pdf.set_tag_tree(tag_tree(doc, leaves, meta.lang));
    pdf.finish()
        .map_err(|e| anyhow::anyhow!("cannot write the PDF: {e:?}"))
}
