//! A small SVG bar chart for the insights pages: one bar per day, a rounded
//! scale maximum, the first and last day under the axis. The geometry is plain
//! functions (unit-tested); the component only draws what they compute.

use leptos::prelude::*;

/// Chart size in SVG user units; the SVG scales to its container's width.
pub const WIDTH: f64 = 600.0;
pub const HEIGHT: f64 = 160.0;

/// The smallest of 1, 2, 5 × 10ⁿ at or above `max` (1 for an empty or zero series).
pub fn nice_max(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|v| *v >= max).unwrap_or(10.0 * magnitude)
}

/// One bar: x, y, width, height in SVG units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Bars for `values` scaled to `top`, across `width` × `height`, with a small gap between bars.
pub fn bars(values: &[f64], top: f64, width: f64, height: f64) -> Vec<Bar> {
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
            Bar { x: i as f64 * slot + gap / 2.0, y: height - h, width: slot - gap, height: h }
        })
        .collect()
}

/// `1234567` → `1.2M`, `1234` → `1.2k`, `12` → `12`.
pub fn compact(value: f64) -> String {
    let abs = value.abs();
    if abs >= 1e9 {
        format!("{:.1}G", value / 1e9)
    } else if abs >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if abs >= 1e3 {
        format!("{:.1}k", value / 1e3)
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// A titled bar chart of one value per day (`days` and `values` line up).
#[component]
pub fn InsightsChart(title: &'static str, days: Vec<String>, values: Vec<f64>) -> impl IntoView {
    let top = nice_max(values.iter().copied().fold(0.0, f64::max));
    let total: f64 = values.iter().sum();
    let first = days.first().cloned().unwrap_or_default();
    let last = days.last().cloned().unwrap_or_default();
    let drawn = bars(&values, top, WIDTH, HEIGHT);
    view! {
        <figure class="insights-chart" data-testid="insights-chart">
            <figcaption>{title} <span class="hint">" · total " {compact(total)} " · scale " {compact(top)}</span></figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 16.0) role="img" aria-label=title preserveAspectRatio="none">
                <line x1="0" y1=HEIGHT x2=WIDTH y2=HEIGHT class="axis"/>
                {drawn.into_iter().zip(days).zip(values).map(|((b, day), v)| view! {
                    <rect x=b.x y=b.y width=b.width height=b.height class="bar"><title>{format!("{day}: {}", compact(v))}</title></rect>
                }).collect_view()}
                <text x="0" y=HEIGHT + 14.0 class="tick">{first}</text>
                <text x=WIDTH y=HEIGHT + 14.0 text-anchor="end" class="tick">{last}</text>
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_rounds_up_to_one_two_five() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(0.7), 1.0);
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(10.0), 10.0);
        assert_eq!(nice_max(11.0), 20.0);
        assert_eq!(nice_max(740_000.0), 1_000_000.0);
    }

    #[test]
    fn bars_fill_the_width_and_scale_to_the_top() {
        let b = bars(&[0.0, 5.0, 10.0, -3.0], 10.0, 400.0, 100.0);
        assert_eq!(b.len(), 4);
        assert_eq!(b[0].height, 0.0);
        assert_eq!(b[1], Bar { x: 107.5, y: 50.0, width: 85.0, height: 50.0 });
        assert_eq!(b[2].y, 0.0);
        assert_eq!(b[3].height, 0.0, "negative values draw nothing");
        assert!((b[3].x + b[3].width - 392.5).abs() < 1e-9);
        assert!(bars(&[], 1.0, 400.0, 100.0).is_empty());
    }

    #[test]
    fn compact_numbers() {
        assert_eq!(compact(12.0), "12");
        assert_eq!(compact(1234.0), "1.2k");
        assert_eq!(compact(2_500_000.0), "2.5M");
        assert_eq!(compact(0.5), "0.50");
    }
}
