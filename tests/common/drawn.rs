//! What the app draws, read back without a GPU: a [`TestRenderer`] keeps every texture the
//! app uploads (as the GPU would hold it), and [`image_pixel`] composites the textured meshes
//! of the last frame at one screen point, sampling each texture the way the app asks the GPU
//! to at magnification (nearest texel) and blending by the mesh's tint. Text, lines and other
//! untextured shapes are not drawn, so this sees the photographs, heat-map and mask layers
//! exactly, and nothing of the chrome.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use egui::epaint::{ImageData, Mesh, Shape};
use egui::{Color32, ColorImage, Pos2, TextureId, TexturesDelta};
use egui_kittest::{Harness, TestRenderer};
use palimpsest::app::PalimpsestApp;

/// Every texture uploaded and not freed, by id, with its pixels.
#[derive(Clone, Default)]
pub struct Textures(Arc<Mutex<HashMap<TextureId, Arc<ColorImage>>>>);

impl Textures {
    /// The texture `id`, if it is alive.
    pub fn get(&self, id: TextureId) -> Option<Arc<ColorImage>> {
        self.0.lock().unwrap().get(&id).cloned()
    }

    /// Every texture alive, with its id.
    pub fn all(&self) -> Vec<(TextureId, Arc<ColorImage>)> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(id, img)| (*id, Arc::clone(img)))
            .collect()
    }
}

/// The renderer the harness hands its texture deltas to.
struct Recorder(Textures);

impl TestRenderer for Recorder {
    fn handle_delta(&mut self, delta: &mut TexturesDelta) {
        let mut map = self.0.0.lock().unwrap();
        for (id, deltas) in &delta.set {
            for d in deltas {
                let ImageData::Color(patch) = &d.image;
                match d.pos {
                    None => {
                        map.insert(*id, Arc::clone(patch));
                    }
                    Some([x0, y0]) => {
                        let Some(old) = map.get(id) else { continue };
                        let mut img = (**old).clone();
                        for y in 0..patch.size[1] {
                            for x in 0..patch.size[0] {
                                let i = (y0 + y) * img.size[0] + x0 + x;
                                img.pixels[i] = patch.pixels[y * patch.size[0] + x];
                            }
                        }
                        map.insert(*id, Arc::new(img));
                    }
                }
            }
        }
        for id in &delta.free {
            map.remove(id);
        }
        // Applied, as a GPU renderer would have (an unapplied delta panics when dropped).
        delta.clear();
    }

    fn render(
        &mut self,
        _ctx: &egui::Context,
        _output: &egui::FullOutput,
    ) -> Result<image::RgbaImage, String> {
        Err(
            "the recording renderer keeps textures and draws nothing; read the frame with \
             layers_at or image_pixel"
                .to_owned(),
        )
    }
}

/// A headless harness like [`super::harness`] that keeps every texture the app uploads.
pub fn harness(app: PalimpsestApp) -> (Harness<'static, PalimpsestApp>, Textures) {
    let textures = Textures::default();
    let h = Harness::builder()
        .with_size(super::SIZE)
        .renderer(Recorder(textures.clone()))
        .build_ui_state(|ui, app: &mut PalimpsestApp| app.show(ui), app);
    (h, textures)
}

/// Tells the app the GPU's largest texture side is `side`, as a backend does through
/// `RawInput::max_texture_side`; it holds from the next frame on. Call it while nothing is
/// loading: an upload already sized for the old limit would trip egui's check.
pub fn limit_texture_side(h: &mut Harness<'_, PalimpsestApp>, side: usize) {
    h.input_mut().max_texture_side = Some(side);
    h.step();
    assert_eq!(h.ctx.input(|i| i.max_texture_side), side);
}

fn meshes<'s>(shape: &'s Shape, out: &mut Vec<&'s Mesh>) {
    match shape {
        Shape::Mesh(m) => out.push(m),
        Shape::Vec(v) => v.iter().for_each(|s| meshes(s, out)),
        _ => {}
    }
}

/// The barycentric weights of `p` in the triangle `a b c`, if it lies inside (edges count).
fn barycentric(p: Pos2, a: Pos2, b: Pos2, c: Pos2) -> Option<[f32; 3]> {
    let det = (b.y - c.y) * (a.x - c.x) + (c.x - b.x) * (a.y - c.y);
    if det.abs() < 1e-9 {
        return None;
    }
    let wa = ((b.y - c.y) * (p.x - c.x) + (c.x - b.x) * (p.y - c.y)) / det;
    let wb = ((c.y - a.y) * (p.x - c.x) + (a.x - c.x) * (p.y - c.y)) / det;
    let wc = 1.0 - wa - wb;
    let eps = -1e-5;
    (wa >= eps && wb >= eps && wc >= eps).then_some([wa, wb, wc])
}

/// One textured layer drawn at a screen point: its texture, the texel it samples and the
/// mesh's tint there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layer {
    /// The texture drawn.
    pub texture: TextureId,
    /// The texel sampled (nearest), `[x, y]` in the texture.
    pub texel: [usize; 2],
    /// The texel's colour.
    pub colour: Color32,
    /// The mesh's vertex colour (the tint) at the point.
    pub tint: Color32,
}

/// The textured layers drawn at `p` on the last frame, bottom first. The font atlas
/// (texture 0) is left out.
pub fn layers_at(h: &Harness<'_, PalimpsestApp>, textures: &Textures, p: Pos2) -> Vec<Layer> {
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        if !clipped.clip_rect.contains(p) {
            continue;
        }
        let mut ms = Vec::new();
        meshes(&clipped.shape, &mut ms);
        for m in ms {
            if m.texture_id == TextureId::default() {
                continue;
            }
            let Some(img) = textures.get(m.texture_id) else {
                continue;
            };
            for tri in m.indices.chunks_exact(3) {
                let [a, b, c] = [tri[0], tri[1], tri[2]].map(|i| m.vertices[i as usize]);
                let Some(w) = barycentric(p, a.pos, b.pos, c.pos) else {
                    continue;
                };
                let u = w[0] * a.uv.x + w[1] * b.uv.x + w[2] * c.uv.x;
                let v = w[0] * a.uv.y + w[1] * b.uv.y + w[2] * c.uv.y;
                let [tw, th] = img.size;
                let tx = ((u * tw as f32).floor().max(0.0) as usize).min(tw - 1);
                let ty = ((v * th as f32).floor().max(0.0) as usize).min(th - 1);
                let tint = |k: usize| {
                    let f = |i: usize| {
                        w[0] * f32::from(a.color[i])
                            + w[1] * f32::from(b.color[i])
                            + w[2] * f32::from(c.color[i])
                    };
                    f(k).round() as u8
                };
                out.push(Layer {
                    texture: m.texture_id,
                    texel: [tx, ty],
                    colour: img.pixels[ty * tw + tx],
                    tint: Color32::from_rgba_premultiplied(tint(0), tint(1), tint(2), tint(3)),
                });
                break;
            }
        }
    }
    out
}

/// The colour the textured layers give at `p` over black (premultiplied "over" blending, as
/// egui's renderers do), or `None` where no picture is drawn.
pub fn image_pixel(
    h: &Harness<'_, PalimpsestApp>,
    textures: &Textures,
    p: Pos2,
) -> Option<[u8; 3]> {
    let layers = layers_at(h, textures, p);
    if layers.is_empty() {
        return None;
    }
    let mut acc = [0.0_f32; 3];
    for l in layers {
        let src = l.colour.to_array().map(f32::from);
        let tint = l.tint.to_array().map(|v| f32::from(v) / 255.0);
        let s = [0, 1, 2, 3].map(|i| src[i] * tint[i]);
        for i in 0..3 {
            acc[i] = s[i] + acc[i] * (1.0 - s[3] / 255.0);
        }
    }
    Some(acc.map(|v| v.round().clamp(0.0, 255.0) as u8))
}
