//! Presentation mode: the pair projected in front of a class. Full screen on the monitor the
//! window is on, no menus or panels, a dark surround and type sized from the screen height. It
//! steps through a title view and then each visible region in reading order; each region gets
//! a smooth zoom, a spotlight, a caption (label, note, linked essay passage) and a place on a
//! small overview map. R cross-fades from the doctored print to the original and back, B blanks
//! the screen, Esc leaves.
//!
//! Keys, clicks and the small on-screen buttons all become [`Action`]s sent as
//! [`Command::Present`], carried out by the command handler like every other command. The
//! layout is the exported slides' ([`mod@crate::export::slides`]), so what is projected and what is handed out
//! look alike. This module draws with the textures the app already holds and changes nothing
//! in the document.

pub mod photo;
pub mod presenter;
pub mod text;

use egui::{Align2, Color32, CursorIcon, Key, Pos2, Rect, Sense, Vec2, pos2, vec2};

use super::command::Command;
use super::command::PresentAction as Action;
use super::runtime::Runtime;
use crate::export::caption;
use crate::export::content::{self, RegionContent};
use crate::export::slides::{Deck, Slide, SlideLayout};
use crate::project::Project;
use photo::{Framing, Photo, Shot};
use text::{Face, Faces, colours};

/// Seconds the zoom from one region to the next takes.
pub const ZOOM_SECS: f32 = 0.4;
/// Seconds the cross-fade between the doctored print and the original takes.
pub const REVEAL_SECS: f32 = 0.6;
/// Seconds without mouse movement after which the pointer and the on-screen buttons hide.
const IDLE_SECS: f64 = 2.5;

/// A zoom or cross-fade in progress: where it started, and when.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Motion<T> {
    from: T,
    since: f64,
}

/// Presentation state; inactive until [`Presentation::begin`] and again after [`Action::Leave`].
#[derive(Default)]
pub struct Presentation {
    active: bool,
    /// 0 is the title view, `i` the `i`-th visible region.
    step: usize,
    blank: bool,
    revealed: bool,
    /// The cross-fade's start (amount at the start and the time).
    reveal_motion: Option<Motion<f32>>,
    /// How far the cross-fade had got on the last frame drawn (0 print, 1 original).
    reveal_shown: f32,
    /// The zoom's start; `None` means start from the whole photograph.
    zoom_motion: Option<Motion<Option<Shot>>>,
    /// The shot drawn on the last frame, the start of the next zoom.
    shot_shown: Option<Shot>,
    /// When the pointer last moved (or clicked).
    last_motion: f64,
    /// The captions broken into pages, with the fingerprint of the text they were made from.
    captions: Option<(u64, Vec<Vec<caption::Page>>)>,
    /// Which region (index in the deck) each step shows, `None` for the title; from the deck
    /// drawn last.
    step_regions: Vec<Option<usize>>,
    /// Whether the presenter view is open.
    presenter: bool,
    /// When the presentation began (the presenter view's timer).
    began: f64,
}

impl Presentation {
    /// Whether presentation mode is on.
    #[must_use]
    pub fn active(&self) -> bool {
        self.active
    }

    /// The current step: 0 for the title view, then 1, 2, … for the visible regions.
    #[must_use]
    pub fn step(&self) -> usize {
        self.step
    }

    /// Whether the screen is blanked.
    #[must_use]
    pub fn blank(&self) -> bool {
        self.blank
    }

    /// Whether the original is (being) revealed.
    #[must_use]
    pub fn revealed(&self) -> bool {
        self.revealed
    }

    /// How far the cross-fade had got on the last frame: 0 the doctored print, 1 the original.
    #[must_use]
    pub fn reveal_amount(&self) -> f32 {
        self.reveal_shown
    }

    /// The part of the before image shown on the last frame (before-image edge coordinates).
    #[must_use]
    pub fn shown_view(&self) -> Option<Rect> {
        self.shot_shown.map(|s| s.view)
    }

    fn go_to(&mut self, step: usize, now: f64) {
        if step == self.step {
            return;
        }
        // A continuation of the same region's caption: the picture stays as it is.
        let region = |s: usize| self.step_regions.get(s).copied().flatten();
        if region(step).is_some() && region(step) == region(self.step) {
            self.step = step;
            return;
        }
        // Zoom from what was on screen; from the title, from the whole photograph.
        let from = if self.step == 0 {
            None
        } else {
            self.shot_shown
        };
        self.zoom_motion = Some(Motion { from, since: now });
        self.step = step;
        self.revealed = false;
        self.reveal_motion = None;
        self.reveal_shown = 0.0;
    }

    /// The number of steps after the title in the deck drawn last, once one was drawn.
    #[must_use]
    pub fn step_count(&self) -> Option<usize> {
        self.step_regions.len().checked_sub(1)
    }

    /// Whether the presenter view is open.
    #[must_use]
    pub fn presenter(&self) -> bool {
        self.presenter
    }

    /// Enters presentation mode at the title view (fonts installed, pointer shown), with the
    /// presenter view in a second window when `presenter` is set.
    pub fn begin(&mut self, ctx: &egui::Context, presenter: bool) {
        text::install_fonts(ctx);
        let now = ctx.input(|i| i.time);
        self.act(Action::Leave, 0, now);
        self.active = true;
        self.last_motion = now;
        self.presenter = presenter;
        self.began = now;
    }

    /// Carries out one action; `count` is the number of visible regions, `now` the input time.
    pub fn act(&mut self, action: Action, count: usize, now: f64) {
        if self.blank && !matches!(action, Action::Leave | Action::ClosePresenter) {
            self.blank = false;
            return;
        }
        match action {
            Action::Next => self.go_to((self.step + 1).min(count), now),
            Action::Previous => self.go_to(self.step.saturating_sub(1), now),
            Action::First => self.go_to(0, now),
            Action::Last => self.go_to(count, now),
            Action::ToggleReveal => {
                if self.step > 0 {
                    self.reveal_motion = Some(Motion {
                        from: self.reveal_shown,
                        since: now,
                    });
                    self.revealed = !self.revealed;
                }
            }
            Action::ToggleBlank => self.blank = true,
            Action::Leave => *self = Self::default(),
            Action::ClosePresenter => self.presenter = false,
        }
    }
}

/// Reads this frame's presentation keys. While the screen is blank every key but Esc brings it
/// back.
#[must_use]
pub fn read_keys(ctx: &egui::Context, blank: bool) -> Vec<Action> {
    let mut out = Vec::new();
    ctx.input(|i| {
        for e in &i.events {
            let egui::Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } = e
            else {
                continue;
            };
            let action = match key {
                Key::Escape => Some(Action::Leave),
                _ if blank => Some(Action::ToggleBlank),
                Key::Space if modifiers.shift => Some(Action::Previous),
                Key::ArrowRight | Key::ArrowDown | Key::PageDown | Key::Space | Key::Enter => {
                    Some(Action::Next)
                }
                Key::ArrowLeft | Key::ArrowUp | Key::PageUp | Key::Backspace => {
                    Some(Action::Previous)
                }
                Key::Home => Some(Action::First),
                Key::End => Some(Action::Last),
                Key::R => Some(Action::ToggleReveal),
                Key::B | Key::Period => Some(Action::ToggleBlank),
                _ => None,
            };
            out.extend(action);
        }
    });
    out
}

impl Presentation {
    /// Draws the presentation over the whole window, and the presenter view when it is open,
    /// and collects what the presenter asked for.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        runtime: &Runtime,
        commands: &mut Vec<Command>,
    ) {
        self.screen(ui, project, runtime, commands);
        if !self.presenter {
            return;
        }
        let ctx = ui.ctx().clone();
        let essay = runtime.essay.shared();
        let deck = self.deck(content::regions_content(project, &essay));
        let photo = Photo::of(runtime, project);
        let now = ctx.input(|i| i.time);
        presenter::show(
            &ctx,
            &presenter::Show {
                deck: &deck,
                step: self.step,
                photo: photo.as_ref(),
                elapsed: now - self.began,
                blank: self.blank,
                revealed: self.revealed,
            },
            commands,
        );
        // The timer ticks.
        ctx.request_repaint_after(std::time::Duration::from_millis(500));
    }

    /// The projected screen.
    fn screen(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        runtime: &Runtime,
        commands: &mut Vec<Command>,
    ) {
        let ctx = ui.ctx().clone();
        let screen = ui.max_rect();
        let now = ctx.input(|i| i.time);
        commands.extend(
            read_keys(&ctx, self.blank)
                .into_iter()
                .map(Command::Present),
        );
        let moved = ctx.input(|i| i.pointer.delta() != Vec2::ZERO || i.pointer.any_pressed());
        if moved {
            self.last_motion = now;
        }
        let idle = now - self.last_motion > IDLE_SECS;

        let bg = ui.interact(screen, ui.scope_id().with("presentation"), Sense::click());
        bg.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Pane, true, "Presentation"));
        let painter = ui.painter_at(screen);
        if self.blank {
            painter.rect_filled(screen, 0.0, Color32::BLACK);
            if bg.clicked() || bg.secondary_clicked() {
                commands.push(Command::Present(Action::ToggleBlank));
            }
            ctx.set_cursor_icon(CursorIcon::None);
            return;
        }
        painter.rect_filled(screen, 0.0, colours::surround());

        let essay = runtime.essay.shared();
        let deck = self.deck(content::regions_content(project, &essay));
        let count = deck.len() - 1;
        self.step = self.step.min(count);
        let faces = Faces::available(&ctx);
        if !faces.installed() {
            // The slides' faces arrive on the next frame.
            ctx.request_repaint();
            return;
        }
        let layout = SlideLayout::for_size(screen.width(), screen.height());
        let photo = Photo::of(runtime, project);
        let mut animating = false;
        match (self.step, &photo) {
            (0, _) => {
                self.shot_shown = None;
                title_view(
                    &painter,
                    &faces,
                    &layout,
                    screen.min,
                    project,
                    photo.as_ref(),
                    deck.regions.len(),
                );
            }
            (i, Some(photo)) => {
                if let Some((r, page, _)) = deck.region_page(i) {
                    // A chain is presented step by step: each region on the two versions
                    // between which it vanished.
                    let step = r.region.step as usize;
                    let shown = runtime
                        .pair
                        .as_ref()
                        .and_then(|p| p.versions)
                        .unwrap_or((0, 1));
                    if project.is_chain() && shown != (step, step + 1) {
                        commands.push(Command::CompareVersions(step, step + 1));
                    }
                    animating = self.region_view(
                        &painter,
                        &faces,
                        &layout,
                        screen.min,
                        project,
                        photo,
                        (r, page),
                        &deck.counter(i),
                        now,
                    );
                }
            }
            (_, None) => {
                painter.text(
                    screen.center(),
                    Align2::CENTER_CENTER,
                    "Opening…",
                    faces.font(
                        Face::Regular,
                        text::em(crate::export::caption::BODY_PX * layout.u),
                    ),
                    colours::muted(),
                );
            }
        }

        if bg.clicked()
            && let Some(pos) = bg.interact_pointer_pos()
        {
            commands.push(Command::Present(if pos.x >= screen.center().x {
                Action::Next
            } else {
                Action::Previous
            }));
        }
        if bg.secondary_clicked() {
            commands.push(Command::Present(Action::Previous));
        }
        controls(ui, screen, &layout, self.step, count, idle, commands);

        if idle {
            ctx.set_cursor_icon(CursorIcon::None);
        } else {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(IDLE_SECS + 0.1));
        }
        if animating {
            ctx.request_repaint();
        }
    }

    /// One region: the photograph zoomed on it with the spotlight, the caption, the overview
    /// map, header and footer. Returns whether an animation is still running.
    #[expect(
        clippy::too_many_arguments,
        reason = "one screen with its whole context"
    )]
    fn region_view(
        &mut self,
        painter: &egui::Painter,
        faces: &Faces,
        l: &SlideLayout,
        origin: Pos2,
        project: &Project,
        photo: &Photo<'_>,
        (r, page): (&RegionContent<'_>, &caption::Page),
        counter: &str,
        now: f64,
    ) -> bool {
        let u = l.u;
        let ip = l.image_panel;
        let panel = Rect::from_min_size(origin + vec2(ip.x, ip.y), vec2(ip.w, ip.h));
        painter.rect_filled(panel, 0.0, colours::panel());

        // Where the zoom goes, and how far it has got.
        let size = photo.size();
        let target = photo::region_shot(&r.region.bbox, size, panel);
        let (zoom_t, zooming) = progress(self.zoom_motion.map(|m| m.since), now, ZOOM_SECS);
        let from = self.zoom_motion.and_then(|m| m.from).unwrap_or(Shot {
            view: photo::whole_view(vec2(size[0] as f32, size[1] as f32), panel),
            spot: target.spot,
            dim: 0.0,
        });
        let shot = if zooming {
            photo::lerp_shot(&from, &target, photo::ease(zoom_t))
        } else {
            self.zoom_motion = None;
            target
        };
        self.shot_shown = Some(shot);

        // The cross-fade.
        let goal = if self.revealed { 1.0 } else { 0.0 };
        let (fade_t, fading) = progress(self.reveal_motion.map(|m| m.since), now, REVEAL_SECS);
        let reveal = match self.reveal_motion {
            Some(m) if fading => m.from + (goal - m.from) * photo::ease(fade_t),
            _ => {
                self.reveal_motion = None;
                goal
            }
        };
        self.reveal_shown = reveal;

        let framing = Framing {
            panel,
            view: shot.view,
        };
        let clipped = painter.with_clip_rect(panel);
        photo.paint(&clipped, framing, reveal);
        let colour = Color32::from_rgb(r.colour[0], r.colour[1], r.colour[2]);
        let lit = photo::spot_on_screen(framing, shot.spot, u);
        photo::spotlight(
            &clipped,
            lit,
            18.0 * u,
            40.0 * u,
            crate::export::slides::SPOTLIGHT_DIM,
            shot.dim,
        );
        // The outline follows the zoom; during a move between regions it fades in.
        let settle = if zooming { photo::ease(zoom_t) } else { 1.0 };
        let pts: Vec<Pos2> = r
            .region
            .polygon
            .iter()
            .map(|p| framing.screen_px(*p))
            .collect();
        photo::outline(&clipped, pts, 5.0 * u, colour.gamma_multiply(settle));
        let placement = framing.placement();
        let (bx, by) = crate::export::annotated::callout_position(
            r,
            &placement,
            (panel.min.x, panel.min.y, panel.width(), panel.height()),
            26.0 * u,
        );
        if settle > 0.99 {
            photo::badge(
                &clipped,
                pos2(bx, by),
                26.0 * u,
                colour,
                r.region.id,
                faces.family(Face::Bold),
            );
        }
        which_print_chip(&clipped, faces, panel, u, reveal);

        // Overview map, caption, header and footer.
        let ov = l.overview(size[0], size[1]);
        let ov_rect = Rect::from_min_size(origin + vec2(ov.x, ov.y), vec2(ov.w, ov.h));
        photo::overview(
            painter,
            photo,
            ov_rect,
            reveal,
            shot.view,
            photo::bbox_rect(&r.region.bbox),
            colour,
            u,
        );
        text::caption(painter, faces, l, origin, page);
        text::header_footer(
            painter,
            faces,
            l,
            origin,
            &content::title(project),
            counter,
            &crate::export::content::pair_credits_line(project),
        );
        zooming || fading
    }
}

impl Presentation {
    /// The deck of `regions`, its captions laid out again only when their text changed.
    fn deck<'a>(&mut self, regions: Vec<RegionContent<'a>>) -> Deck<'a> {
        let key = caption::content_key(&regions);
        let captions = match self.captions.take() {
            Some((k, captions)) if k == key && captions.len() == regions.len() => captions,
            _ => {
                let faces = crate::export::draw::Faces::bundled();
                regions.iter().map(|r| caption::pages(r, &faces)).collect()
            }
        };
        self.captions = Some((key, captions.clone()));
        let deck = Deck::with_captions(regions, captions);
        self.step_regions = deck
            .slides
            .iter()
            .map(|s| match s {
                Slide::Title => None,
                Slide::Region { region, .. } => Some(*region),
            })
            .collect();
        deck
    }
}

/// How far an animation begun at `since` has got at `now` (0 to 1), and whether it still runs.
fn progress(since: Option<f64>, now: f64, secs: f32) -> (f32, bool) {
    match since {
        Some(s) => {
            let t = ((now - s) / f64::from(secs)).clamp(0.0, 1.0) as f32;
            (t, t < 1.0)
        }
        None => (1.0, false),
    }
}

/// A small label in the photograph's corner saying which print is on screen.
fn which_print_chip(painter: &egui::Painter, faces: &Faces, panel: Rect, u: f32, reveal: f32) {
    let font = faces.font(Face::Regular, 26.0 * u);
    let at = panel.left_bottom() + vec2(16.0 * u, -16.0 * u);
    for (label, alpha) in [("Altered print", 1.0 - reveal), ("Original", reveal)] {
        if alpha <= 0.01 {
            continue;
        }
        let galley = painter.layout_no_wrap(label.to_owned(), font.clone(), colours::text());
        let rect = Rect::from_min_size(
            at - vec2(0.0, galley.size().y + 12.0 * u),
            galley.size() + vec2(24.0 * u, 12.0 * u),
        );
        painter.rect_filled(rect, 6.0 * u, Color32::BLACK.gamma_multiply(0.6 * alpha));
        painter.galley(
            rect.min + vec2(12.0 * u, 6.0 * u),
            galley,
            colours::text().gamma_multiply(alpha),
        );
    }
}

/// The title view: the project's title, the number of regions, and both images side by side
/// with their credits, as on the title slide.
fn title_view(
    painter: &egui::Painter,
    faces: &Faces,
    l: &SlideLayout,
    origin: Pos2,
    project: &Project,
    photo: Option<&Photo<'_>>,
    count: usize,
) {
    let u = l.u;
    let cx = origin.x + l.width / 2.0;
    let mut y = origin.y + 96.0 * u;
    let title = text::layout(
        painter,
        &content::title(project),
        faces.font(Face::Bold, 76.0 * u),
        colours::text(),
        l.width - 160.0 * u,
        2,
        1.2,
        egui::Align::Center,
    );
    y += text::centred(painter, cx, y, title, colours::text());
    let sub = if count == 0 {
        "The original and the altered print: no changed regions are marked".to_owned()
    } else {
        format!(
            "{} where the altered print differs from the original",
            content::count_regions(count)
        )
    };
    let sub = text::layout(
        painter,
        &sub,
        faces.font(Face::Regular, 36.0 * u),
        colours::muted(),
        l.width - 160.0 * u,
        1,
        1.3,
        egui::Align::Center,
    );
    y += 8.0 * u + text::centred(painter, cx, y + 8.0 * u, sub, colours::muted());

    let gap = 80.0 * u;
    let box_w = (840.0 * u).min((l.width - 2.0 * 48.0 * u - gap) / 2.0);
    let left = cx - box_w - gap / 2.0;
    let head_y = y + 40.0 * u;
    let box_y = head_y + 38.0 * u * 1.3 + 12.0 * u;
    let box_h = (origin.y + l.height - box_y - 150.0 * u)
        .min(540.0 * u)
        .max(40.0 * u);
    let sides = [
        (left, "Original", &project.before.meta, true),
        (
            left + box_w + gap,
            "Altered print",
            &project.after.meta,
            false,
        ),
    ];
    for (x, kind, meta, before) in sides {
        let head = text::layout(
            painter,
            &content::image_title(kind, meta),
            faces.font(Face::Bold, 38.0 * u),
            colours::text(),
            box_w,
            1,
            1.2,
            egui::Align::Center,
        );
        text::centred(painter, x + box_w / 2.0, head_y, head, colours::text());
        let area = Rect::from_min_size(pos2(x, box_y), vec2(box_w, box_h));
        if let Some(photo) = photo {
            let tex = if before {
                &photo.pair.before_tex
            } else {
                &photo.pair.after_tex
            };
            photo::paint_fitted(painter, tex, area, Color32::WHITE);
        }
        let credit = content::credit_line(meta);
        let credit = if credit.is_empty() {
            "No credit recorded".to_owned()
        } else {
            credit
        };
        let credit = text::layout(
            painter,
            &credit,
            faces.font(Face::Regular, 26.0 * u),
            colours::muted(),
            box_w,
            2,
            1.3,
            egui::Align::Center,
        );
        text::centred(
            painter,
            x + box_w / 2.0,
            box_y + box_h + 22.0 * u,
            credit,
            colours::muted(),
        );
    }
    let hint = "→ or Space: next   ·   ←: back   ·   R: reveal the original   ·   B: blank   ·   Esc: leave";
    let hint = text::layout(
        painter,
        hint,
        faces.font(Face::Regular, l.credit_px),
        colours::muted().gamma_multiply(0.8),
        l.width - 96.0 * u,
        1,
        1.2,
        egui::Align::Center,
    );
    text::centred(
        painter,
        cx,
        origin.y + l.height - 40.0 * u,
        hint,
        colours::muted(),
    );
}

/// The on-screen buttons' pictures, drawn as shapes (no font needs to have them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Icon {
    Back,
    Forward,
    Reveal,
    Blank,
    Leave,
}

impl Icon {
    fn paint(self, p: &egui::Painter, r: Rect, c: Color32) {
        let stroke = egui::Stroke::new((r.width() * 0.14).max(1.5), c);
        match self {
            Icon::Back | Icon::Forward => {
                let (tip, tail) = if self == Icon::Back {
                    (
                        r.left_center() + vec2(r.width() * 0.2, 0.0),
                        r.center().x + r.width() * 0.2,
                    )
                } else {
                    (
                        r.right_center() - vec2(r.width() * 0.2, 0.0),
                        r.center().x - r.width() * 0.2,
                    )
                };
                p.line_segment([pos2(tail, r.top()), tip], stroke);
                p.line_segment([tip, pos2(tail, r.bottom())], stroke);
            }
            Icon::Reveal => {
                let radius = r.width() / 2.0;
                p.circle_stroke(r.center(), radius, stroke);
                let half: Vec<Pos2> = (0..=16)
                    .map(|i| {
                        let a = std::f32::consts::PI * (0.5 + i as f32 / 16.0);
                        r.center() + vec2(a.cos(), a.sin()) * radius
                    })
                    .collect();
                p.add(egui::Shape::convex_polygon(half, c, egui::Stroke::NONE));
            }
            Icon::Blank => {
                p.rect_filled(r.shrink(r.width() * 0.08), 2.0, c);
            }
            Icon::Leave => {
                p.line_segment([r.left_top(), r.right_bottom()], stroke);
                p.line_segment([r.right_top(), r.left_bottom()], stroke);
            }
        }
    }
}

/// The small on-screen buttons in the bottom-right corner: back, reveal, blank, leave, next.
/// Faint until the pointer comes near; they stay clickable while faint.
fn controls(
    ui: &mut egui::Ui,
    screen: Rect,
    l: &SlideLayout,
    step: usize,
    count: usize,
    idle: bool,
    commands: &mut Vec<Command>,
) {
    let u = l.u.max(0.6);
    let size = 40.0 * u;
    let buttons: [(Icon, &str, Action, bool); 5] = [
        (Icon::Back, "Previous", Action::Previous, step > 0),
        (
            Icon::Reveal,
            "Reveal the original (R)",
            Action::ToggleReveal,
            step > 0,
        ),
        (
            Icon::Blank,
            "Blank the screen (B)",
            Action::ToggleBlank,
            true,
        ),
        (
            Icon::Leave,
            "Leave the presentation (Esc)",
            Action::Leave,
            true,
        ),
        (Icon::Forward, "Next", Action::Next, step < count),
    ];
    let n = buttons.len() as f32;
    let strip = Rect::from_min_size(
        screen.right_bottom() - vec2(n * (size + 6.0 * u) + 12.0 * u, size + 12.0 * u),
        vec2(n * (size + 6.0 * u), size),
    );
    let near = ui
        .ctx()
        .pointer_hover_pos()
        .is_some_and(|p| strip.expand(60.0 * u).contains(p));
    let base_alpha = if near {
        0.9
    } else if idle {
        0.0
    } else {
        0.35
    };
    for (i, (icon, label, action, enabled)) in buttons.into_iter().enumerate() {
        let rect = Rect::from_min_size(
            strip.min + vec2(i as f32 * (size + 6.0 * u), 0.0),
            Vec2::splat(size),
        );
        let id = ui.scope_id().with(("presentation-control", i));
        let r = ui.interact(
            rect,
            id,
            if enabled {
                Sense::click()
            } else {
                Sense::hover()
            },
        );
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, label));
        let alpha = if r.hovered() && enabled {
            1.0
        } else {
            base_alpha
        } * if enabled { 1.0 } else { 0.4 };
        if alpha > 0.0 {
            let p = ui.painter();
            p.rect_filled(rect, 6.0 * u, Color32::BLACK.gamma_multiply(0.55 * alpha));
            icon.paint(
                p,
                rect.shrink(size * 0.3),
                colours::text().gamma_multiply(alpha),
            );
        }
        let r = r.on_hover_text(label);
        if r.clicked() && enabled {
            commands.push(Command::Present(action));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_stop_at_both_ends() {
        let mut p = Presentation {
            active: true,
            ..Presentation::default()
        };
        p.act(Action::Previous, 3, 0.0);
        assert_eq!(p.step(), 0);
        for _ in 0..5 {
            p.act(Action::Next, 3, 0.0);
        }
        assert_eq!(p.step(), 3);
        p.act(Action::First, 3, 0.0);
        assert_eq!(p.step(), 0);
        p.act(Action::Last, 3, 0.0);
        assert_eq!(p.step(), 3);
    }

    #[test]
    fn a_continuation_keeps_the_picture_and_the_reveal() {
        let mut p = Presentation {
            step_regions: vec![None, Some(0), Some(0), Some(1)],
            ..Presentation::default()
        };
        p.act(Action::Next, 3, 0.0);
        p.act(Action::ToggleReveal, 3, 0.0);
        p.zoom_motion = None;
        p.act(Action::Next, 3, 1.0);
        assert_eq!(p.step(), 2);
        assert!(
            p.revealed(),
            "the same region's next page keeps the original shown"
        );
        assert!(p.zoom_motion.is_none(), "and does not zoom");
        p.act(Action::Next, 3, 2.0);
        assert!(!p.revealed(), "another region starts on the print");
        assert!(p.zoom_motion.is_some());
    }

    #[test]
    fn blank_swallows_the_next_action() {
        let mut p = Presentation::default();
        p.act(Action::Next, 2, 0.0);
        p.act(Action::ToggleBlank, 2, 0.0);
        assert!(p.blank());
        p.act(Action::Next, 2, 0.0);
        assert!(!p.blank());
        assert_eq!(p.step(), 1, "the key that unblanks does not also step");
    }

    #[test]
    fn reveal_resets_on_a_new_region_and_not_on_the_title() {
        let mut p = Presentation::default();
        p.act(Action::ToggleReveal, 2, 0.0);
        assert!(!p.revealed(), "nothing to reveal on the title view");
        p.act(Action::Next, 2, 0.0);
        p.act(Action::ToggleReveal, 2, 0.0);
        assert!(p.revealed());
        p.act(Action::Next, 2, 1.0);
        assert!(!p.revealed());
    }
}
