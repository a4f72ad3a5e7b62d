//! The SPA's one chart: SVG bars drawn by a small component, no library (no
//! maintained charting crate targets Leptos 0.8, and a JS library would weigh
//! more than the whole app). The geometry is plain functions, unit-tested; the
//! component only draws what they compute. Screen readers get the title, total
//! and scale in the caption and each bar's value in its `<title>`.

use leptos::prelude::*;

/// One bar: its label (under some bars and in the tooltip) and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
}

/// Where a bar is drawn, in SVG units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Chart size in SVG user units; the SVG scales to its container's width.
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 180.0;
/// Room under the bars for their labels.
const AXIS: f64 = 18.0;
/// At most this many labels under the bars, evenly spaced.
const MAX_LABELS: usize = 8;

/// One bar per day: `days` and `values` line up.
pub fn daily(days: Vec<String>, values: Vec<f64>) -> Vec<Bar> {
    days.into_iter().zip(values).map(|(label, value)| Bar { label, value }).collect()
}

/// The smallest of 1, 2, 5 × 10ⁿ at or above `max` (1 for an empty or zero series).
pub fn nice_max(max: f64) -> f64 {
    if max <= 1.0 || !max.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|v| *v >= max).unwrap_or(10.0 * magnitude)
}

/// Bars for `values` scaled to `top`, across `width` × `height`, with a small
/// gap between bars; negatives draw nothing.
pub fn layout(values: &[f64], top: f64, width: f64, height: f64) -> Vec<Rect> {
    if values.is_empty() {
        return Vec::new();
    }
    let slot = width / values.len() as f64;
    let gap = if slot > 4.0 { slot * 0.15 } else { 0.0 };
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let h = (v.max(0.0) / top).min(1.0) * height;
            Rect { x: i as f64 * slot + gap / 2.0, y: height - h, width: slot - gap, height: h }
        })
        .collect()
}

/// 950 → "950", 12_300 → "12.3k", 4_500_000 → "4.5M".
pub fn compact(n: i64) -> String {
    let abs = n.unsigned_abs() as f64;
    let sign = if n < 0 { "-" } else { "" };
    let (value, unit) = match abs {
        a if a >= 1e9 => (a / 1e9, "G"),
        a if a >= 1e6 => (a / 1e6, "M"),
        a if a >= 1e3 => (a / 1e3, "k"),
        a => return format!("{sign}{a}"),
    };
    let text = format!("{value:.1}");
    format!("{sign}{}{unit}", text.trim_end_matches(".0"))
}

/// `compact` for a chart value, which may have a fraction (0.5 → "0.50").
pub fn compact_value(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 9e15 {
        compact(value as i64)
    } else {
        format!("{value:.2}")
    }
}

/// Which bars carry a label: about [`MAX_LABELS`], evenly spaced.
pub fn labelled(count: usize) -> impl Fn(usize) -> bool {
    let every = count.div_ceil(MAX_LABELS).max(1);
    move |i| i % every == 0
}

/// A titled bar chart with its total and scale in the caption.
#[component]
pub fn BarChart(bars: Vec<Bar>, #[prop(into)] title: String, #[prop(default = "chart")] testid: &'static str) -> impl IntoView {
    let top = nice_max(bars.iter().map(|b| b.value).fold(0.0, f64::max));
    let total: f64 = bars.iter().map(|b| b.value).sum();
    let values: Vec<f64> = bars.iter().map(|b| b.value).collect();
    let rects = layout(&values, top, WIDTH, HEIGHT - AXIS);
    let show = labelled(bars.len());
    let summary = format!("{title}: total {}, scale {}", compact_value(total), compact_value(top));
    let drawn = bars
        .into_iter()
        .zip(rects)
        .enumerate()
        .map(|(i, (bar, r))| {
            let tip = format!("{}: {}", bar.label, compact_value(bar.value));
            let label = show(i).then(|| {
                view! { <text x=r.x + r.width / 2.0 y=HEIGHT - 4.0 text-anchor="middle" class="chart-label">{bar.label}</text> }
            });
            view! {
                <rect x=r.x y=r.y width=r.width height=r.height class="chart-bar" data-value=bar.value><title>{tip}</title></rect>
                {label}
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption>{title} <span class="hint">" · total " {compact_value(total)} " · scale " {compact_value(top)}</span></figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=summary>
                <line x1="0" y1=HEIGHT - AXIS x2=WIDTH y2=HEIGHT - AXIS class="chart-axis"/>
                {drawn}
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxima_round_up_to_1_2_5() {
        assert_eq!(
            [0.0, 0.7, 1.0, 3.0, 7.0, 10.0, 11.0, 260.0, 740_000.0].map(nice_max),
            [1.0, 1.0, 1.0, 5.0, 10.0, 10.0, 20.0, 500.0, 1_000_000.0]
        );
    }

    #[test]
    fn bars_fill_the_width_and_scale_to_the_top() {
        let b = layout(&[0.0, 5.0, 10.0, -3.0], 10.0, 400.0, 100.0);
        assert_eq!(b.len(), 4);
        assert_eq!(b[0].height, 0.0);
        assert_eq!(b[1], Rect { x: 107.5, y: 50.0, width: 85.0, height: 50.0 });
        assert_eq!(b[2].y, 0.0);
        assert_eq!(b[3].height, 0.0, "negative values draw nothing");
        assert!((b[3].x + b[3].width - 392.5).abs() < 1e-9);
        assert!(layout(&[], 1.0, 400.0, 100.0).is_empty());
    }

    #[test]
    fn compact_numbers() {
        assert_eq!([950, 12_300, 4_500_000, 2_000, -1_500].map(compact), ["950", "12.3k", "4.5M", "2k", "-1.5k"]);
        assert_eq!([12.0, 1234.0, 2_500_000.0, 0.5].map(compact_value), ["12", "1.2k", "2.5M", "0.50"]);
    }

    #[test]
    fn about_eight_labels() {
        let show = labelled(30);
        assert_eq!((0..30).filter(|i| show(*i)).count(), 8);
        let all = labelled(5);
        assert!((0..5).all(all));
    }

    #[test]
    fn daily_bars_pair_days_with_values() {
        let bars = daily(vec!["2026-12-01".into(), "2026-12-02".into()], vec![3.0, 4.0]);
        assert_eq!(bars[1], Bar { label: "2026-12-02".into(), value: 4.0 });
    }
}
