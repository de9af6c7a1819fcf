//! Spot the change, in the app (*Analysis > Spot the change*): the doctored print alone over
//! the whole window; the student clicks where something was removed or changed, or drags a
//! box; *Reveal* then outlines every region, says which were found and which missed, marks
//! the false marks, gives the score and lists the notes. The scoring is the quiz page's
//! ([`crate::export::quiz`]), so a class can play either.
//!
//! Like presentation mode, this module only draws and turns clicks and keys into
//! [`Command::Quiz`] actions; the command handler carries them out.

use egui::{Align2, Color32, FontId, Key, Pos2, Rect, RichText, Sense, Stroke, Vec2, pos2, vec2};

use super::command::{Command, QuizAction};
use super::present::photo::{self, Framing, Photo};
use super::runtime::Runtime;
use crate::export::content;
use crate::export::quiz::{self, Mark, Score};
use crate::project::{Project, RegionNote};

/// A drag shorter than this many screen points is a click.
const DRAG_PX: f32 = 8.0;
/// Where a found region's outline and a correct mark are drawn.
const FOUND: Color32 = Color32::from_rgb(70, 200, 110);
/// Where a missed region's outline and a false mark are drawn.
const MISSED: Color32 = Color32::from_rgb(240, 90, 80);

/// The quiz's state; inactive until [`Quiz::begin`].
#[derive(Default)]
pub struct Quiz {
    active: bool,
    marks: Vec<Mark>,
    revealed: bool,
    /// After the reveal: show the original instead of the print.
    original: bool,
    /// Where a drag began, in screen points.
    drag_from: Option<Pos2>,
    /// How the picture was framed on the last frame.
    framing: Option<Framing>,
}

impl Quiz {
    /// Whether the quiz is on.
    #[must_use]
    pub fn active(&self) -> bool {
        self.active
    }

    /// The marks so far, in the original's pixels.
    #[must_use]
    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    /// Whether the answers are shown.
    #[must_use]
    pub fn revealed(&self) -> bool {
        self.revealed
    }

    /// Starts a new quiz with no marks.
    pub fn begin(&mut self) {
        *self = Self {
            active: true,
            ..Self::default()
        };
    }

    /// Carries out one action.
    pub fn act(&mut self, action: QuizAction) {
        match action {
            QuizAction::Mark(m) if !self.revealed => self.marks.push(m),
            QuizAction::Mark(_) => {}
            QuizAction::Undo if !self.revealed => {
                self.marks.pop();
            }
            QuizAction::Undo => {}
            QuizAction::Remove(i) if !self.revealed && i < self.marks.len() => {
                self.marks.remove(i);
            }
            QuizAction::Remove(_) => {}
            QuizAction::Reveal => self.revealed = true,
            QuizAction::ToggleOriginal => self.original = !self.original && self.revealed,
            QuizAction::Restart => {
                self.marks.clear();
                self.revealed = false;
                self.original = false;
            }
            QuizAction::Leave => *self = Self::default(),
        }
    }

    /// The score of the marks against the project's visible regions.
    #[must_use]
    pub fn score(&self, project: &Project, size: [u32; 2]) -> Score {
        let regions = content::visible_regions(project);
        quiz::score(&self.marks, &regions, quiz::tolerance(size[0], size[1]))
    }

    /// Where a point of the original (pixels) was on screen on the last frame.
    #[must_use]
    pub fn screen_point(&self, p: [f64; 2]) -> Option<Pos2> {
        self.framing
            .map(|f| f.screen(pos2(p[0] as f32, p[1] as f32)))
    }

    /// Draws the quiz over the whole window and collects what the student did.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        runtime: &Runtime,
        commands: &mut Vec<Command>,
    ) {
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.key_pressed(Key::Escape)) {
            commands.push(Command::Quiz(QuizAction::Leave));
        }
        if ctx.input(|i| i.modifiers.command && i.key_pressed(Key::Z)) {
            commands.push(Command::Quiz(QuizAction::Undo));
        }
        let Some(photo) = Photo::of(runtime, project) else {
            commands.push(Command::Quiz(QuizAction::Leave));
            return;
        };
        let size = photo.size();
        let score = self.score(project, size);
        let screen = ui.max_rect();
        ui.painter()
            .rect_filled(screen, 0.0, Color32::from_rgb(22, 24, 28));

        // The bar: the task, the count or the score, and the buttons.
        let bar = Rect::from_min_size(screen.min, vec2(screen.width(), 48.0));
        let mut bar_ui = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(bar.shrink2(vec2(12.0, 8.0)))
                .layout(egui::Layout::left_to_right(egui::Align::Center)),
        );
        self.bar(&mut bar_ui, &score, commands);

        // The list of answers, after the reveal, on the right.
        let list_w = if self.revealed {
            (screen.width() * 0.3).clamp(240.0, 420.0)
        } else {
            0.0
        };
        let area = Rect::from_min_max(
            pos2(screen.min.x + 12.0, bar.max.y + 4.0),
            pos2(screen.max.x - 12.0 - list_w, screen.max.y - 12.0),
        );
        if self.revealed {
            let list = Rect::from_min_max(pos2(area.max.x + 12.0, area.min.y), screen.max);
            let mut list_ui = ui.new_child(egui::UiBuilder::new().max_rect(list.shrink(8.0)));
            answers(&mut list_ui, project, &score);
        }
        let fitted = fit(size, area);
        let framing = Framing {
            panel: fitted,
            view: Rect::from_min_size(Pos2::ZERO, vec2(size[0] as f32, size[1] as f32)),
        };
        self.framing = Some(framing);
        let painter = ui.painter_at(area);
        photo.paint(&painter, framing, if self.original { 1.0 } else { 0.0 });

        let response = ui.interact(
            fitted,
            ui.scope_id().with("quiz-picture"),
            Sense::click_and_drag(),
        );
        response.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Image,
                true,
                "The altered print: click where something was changed",
            )
        });
        if !self.revealed {
            let radius = quiz::tolerance(size[0], size[1]) as f32 * framing.scale();
            self.read_marks(&response, framing, size, radius.max(10.0), commands);
        }

        let tol = quiz::tolerance(size[0], size[1]) as f32 * framing.scale();
        if self.revealed {
            for r in content::visible_regions(project) {
                let found = score.was_found(r.id);
                draw_region(&painter, framing, r, if found { FOUND } else { MISSED });
            }
        }
        for (i, m) in self.marks.iter().enumerate() {
            let colour = if !self.revealed {
                Color32::from_rgb(255, 214, 64)
            } else if score.false_marks.contains(&i) {
                MISSED
            } else {
                FOUND
            };
            draw_mark(&painter, framing, m, i + 1, tol.max(10.0), colour);
        }
        // A box being dragged.
        if let (Some(from), Some(to)) = (self.drag_from, response.interact_pointer_pos())
            && from.distance(to) >= DRAG_PX
        {
            painter.rect_stroke(
                Rect::from_two_pos(from, to),
                0.0,
                Stroke::new(2.0, Color32::from_rgb(255, 214, 64)),
                egui::StrokeKind::Middle,
            );
        }
    }

    fn bar(&self, ui: &mut egui::Ui, score: &Score, commands: &mut Vec<Command>) {
        let mut button =
            |ui: &mut egui::Ui, text: &str, hint: &str, action: QuizAction, on: bool| {
                if ui
                    .add_enabled(on, egui::Button::new(text))
                    .on_hover_text(hint)
                    .clicked()
                {
                    commands.push(Command::Quiz(action));
                }
            };
        ui.label(RichText::new("Spot the change").strong().size(18.0));
        if self.revealed {
            ui.label(RichText::new(score.summary()).strong().size(18.0));
            button(
                ui,
                if self.original {
                    "Show the print"
                } else {
                    "Show the original"
                },
                "Switch between the altered print and the original",
                QuizAction::ToggleOriginal,
                true,
            );
            button(
                ui,
                "Start again",
                "Clear the marks",
                QuizAction::Restart,
                true,
            );
        } else {
            ui.label(format!(
                "Click where something was removed or changed (or drag a box). {}",
                match self.marks.len() {
                    1 => "1 mark".to_owned(),
                    n => format!("{n} marks"),
                }
            ));
            button(
                ui,
                "Undo",
                "Take back the last mark (Ctrl+Z)",
                QuizAction::Undo,
                !self.marks.is_empty(),
            );
            button(
                ui,
                "Reveal",
                "Show the answers and the score",
                QuizAction::Reveal,
                true,
            );
        }
        button(ui, "Leave the quiz", "Esc", QuizAction::Leave, true);
    }

    fn read_marks(
        &mut self,
        response: &egui::Response,
        framing: Framing,
        size: [u32; 2],
        radius: f32,
        commands: &mut Vec<Command>,
    ) {
        let to_image = |p: Pos2| {
            let q = framing.view.min + (p - framing.panel.min) / framing.scale();
            (
                f64::from(q.x).clamp(0.0, f64::from(size[0])),
                f64::from(q.y).clamp(0.0, f64::from(size[1])),
            )
        };
        let primary = egui::PointerButton::Primary;
        if response.drag_started_by(primary) {
            // Where the button went down, not where the drag passed egui's threshold.
            self.drag_from = response
                .ctx
                .input(|i| i.pointer.press_origin())
                .or_else(|| response.interact_pointer_pos());
        }
        if response.drag_stopped_by(primary) {
            // On the frame the button is released the widget is no longer dragged: take where
            // the pointer last was.
            let to = response
                .interact_pointer_pos()
                .or_else(|| response.ctx.input(|i| i.pointer.latest_pos()));
            if let (Some(from), Some(to)) = (self.drag_from.take(), to) {
                let (a, b) = (to_image(from), to_image(to));
                let mark = if from.distance(to) < DRAG_PX {
                    Mark::Point { x: a.0, y: a.1 }
                } else {
                    Mark::Box {
                        x: a.0.min(b.0),
                        y: a.1.min(b.1),
                        w: (a.0 - b.0).abs(),
                        h: (a.1 - b.1).abs(),
                    }
                };
                commands.push(Command::Quiz(QuizAction::Mark(mark)));
            }
        } else if response.clicked()
            && let Some(p) = response.interact_pointer_pos()
        {
            // A click on a mark takes it back, as on the quiz page; elsewhere it adds one.
            let on = self.marks.iter().rposition(|m| match *m {
                Mark::Point { x, y } => {
                    framing.screen(pos2(x as f32, y as f32)).distance(p) <= radius
                }
                Mark::Box { x, y, w, h } => Rect::from_min_size(
                    framing.screen(pos2(x as f32, y as f32)),
                    Vec2::new(w as f32, h as f32) * framing.scale(),
                )
                .contains(p),
            });
            let action = match on {
                Some(i) => QuizAction::Remove(i),
                None => {
                    let (x, y) = to_image(p);
                    QuizAction::Mark(Mark::Point { x, y })
                }
            };
            commands.push(Command::Quiz(action));
        }
    }
}

/// The image of `size` pixels fitted and centred in `area`.
fn fit(size: [u32; 2], area: Rect) -> Rect {
    let (w, h) = (size[0].max(1) as f32, size[1].max(1) as f32);
    let s = (area.width() / w).min(area.height() / h);
    Rect::from_center_size(area.center(), vec2(w * s, h * s))
}

fn draw_region(painter: &egui::Painter, framing: Framing, r: &RegionNote, colour: Color32) {
    let pts: Vec<Pos2> = r.polygon.iter().map(|p| framing.screen_px(*p)).collect();
    photo::outline(painter, pts, 3.0, colour);
    let b = photo::bbox_rect(&r.bbox);
    let at = framing.screen(b.left_top()) - vec2(0.0, 4.0);
    painter.text(
        at,
        Align2::LEFT_BOTTOM,
        r.id.to_string(),
        FontId::proportional(18.0),
        colour,
    );
}

fn draw_mark(painter: &egui::Painter, framing: Framing, m: &Mark, n: usize, r: f32, c: Color32) {
    let casing = Stroke::new(5.0, Color32::from_black_alpha(200));
    let line = Stroke::new(2.5, c);
    let centre = match *m {
        Mark::Point { x, y } => {
            let p = framing.screen(pos2(x as f32, y as f32));
            painter.circle_stroke(p, r, casing);
            painter.circle_stroke(p, r, line);
            p
        }
        Mark::Box { x, y, w, h } => {
            let rect = Rect::from_min_size(
                framing.screen(pos2(x as f32, y as f32)),
                Vec2::new(w as f32, h as f32) * framing.scale(),
            );
            painter.rect_stroke(rect, 0.0, casing, egui::StrokeKind::Middle);
            painter.rect_stroke(rect, 0.0, line, egui::StrokeKind::Middle);
            rect.center()
        }
    };
    painter.text(
        centre,
        Align2::CENTER_CENTER,
        n.to_string(),
        FontId::proportional(16.0),
        c,
    );
}

/// After the reveal: every region, found or missed, with its label and note, then the false
/// marks.
fn answers(ui: &mut egui::Ui, project: &Project, score: &Score) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        for r in content::visible_regions(project) {
            let found = score.was_found(r.id);
            let (word, colour) = if found {
                ("found", FOUND)
            } else {
                ("missed", MISSED)
            };
            let label = if r.label.trim().is_empty() {
                format!("Region {}", r.id)
            } else {
                r.label.clone()
            };
            ui.label(
                RichText::new(format!("{} · {label} — {word}", r.id))
                    .strong()
                    .color(colour),
            );
            if !r.note.trim().is_empty() {
                ui.label(crate::export::caption::bulleted(&content::plain(&r.note)));
            }
            ui.add_space(8.0);
        }
        if !score.false_marks.is_empty() {
            let list: Vec<String> = score
                .false_marks
                .iter()
                .map(|i| (i + 1).to_string())
                .collect();
            ui.label(
                RichText::new(format!("Nothing was changed at mark {}.", list.join(", ")))
                    .color(MISSED),
            );
        }
    });
}
