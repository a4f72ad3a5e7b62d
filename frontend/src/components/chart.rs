//! A small SVG bar chart (no library): one bar per slot, scaled to a rounded
//! maximum, with the value in each bar's tooltip.

use leptos::prelude::*;

/// One bar: its label (shown under some bars and in the tooltip) and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 200.0;
const AXIS: f64 = 18.0;
/// At most this many labels under the bars, evenly spaced.
const MAX_LABELS: usize = 8;

/// The smallest 1, 2 or 5 × 10ⁿ at or above `max` (1 for nothing to show).
pub fn nice_max(max: i64) -> i64 {
    if max <= 1 {
        return 1;
    }
    let mut step = 1i64;
    loop {
        for m in [1, 2, 5] {
            let candidate = step.saturating_mul(m);
            if candidate >= max {
                return candidate;
            }
        }
        step = step.saturating_mul(10);
    }
}

/// Heights of `values` in `0..=height`, `top` at full height; negatives count as 0.
pub fn scale(values: &[i64], top: i64, height: f64) -> Vec<f64> {
    let top = top.max(1) as f64;
    values.iter().map(|v| (*v).max(0) as f64 / top * height).collect()
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

/// Which bars carry a label: about [`MAX_LABELS`], evenly spaced.
pub fn labelled(count: usize) -> impl Fn(usize) -> bool {
    let every = count.div_ceil(MAX_LABELS).max(1);
    move |i| i % every == 0
}

/// Bars of `bars`, scaled to a rounded maximum shown at the top left.
#[component]
pub fn BarChart(bars: Vec<Bar>, #[prop(into)] label: String) -> impl IntoView {
    let top = nice_max(bars.iter().map(|b| b.value).max().unwrap_or(0));
    let values: Vec<i64> = bars.iter().map(|b| b.value).collect();
    let heights = scale(&values, top, HEIGHT - AXIS);
    let slot = WIDTH / bars.len().max(1) as f64;
    let show = labelled(bars.len());
    let rects = bars
        .into_iter()
        .zip(heights)
        .enumerate()
        .map(|(i, (bar, h))| {
            let x = i as f64 * slot;
            let tip = format!("{}: {} tokens", bar.label, bar.value);
            let text = show(i).then(|| {
                view! { <text x=x + slot / 2.0 y=HEIGHT - 4.0 text-anchor="middle" class="chart-label">{bar.label.clone()}</text> }
            });
            view! {
                <g>
                    <rect x=x + slot * 0.1 y=HEIGHT - AXIS - h width=slot * 0.8 height=h class="chart-bar" data-value=bar.value>
                        <title>{tip}</title>
                    </rect>
                    {text}
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label data-testid="usage-chart">
            <text x="2" y="12" class="chart-label">{compact(top)}</text>
            <line x1="0" y1=HEIGHT - AXIS x2=WIDTH y2=HEIGHT - AXIS class="chart-axis"/>
            {rects}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxima_round_up_to_1_2_5() {
        assert_eq!([0, 1, 3, 7, 10, 11, 260, 999_999].map(nice_max), [1, 1, 5, 10, 10, 20, 500, 1_000_000]);
    }

    #[test]
    fn bars_scale_to_the_top() {
        assert_eq!(scale(&[0, 50, 100, -5], 100, 200.0), [0.0, 100.0, 200.0, 0.0]);
        assert_eq!(scale(&[3], 0, 10.0), [30.0], "a zero top does not divide by zero");
    }

    #[test]
    fn compact_numbers() {
        assert_eq!([950, 12_300, 4_500_000, 2_000, -1_500].map(compact), ["950", "12.3k", "4.5M", "2k", "-1.5k"]);
    }

    #[test]
    fn about_eight_labels() {
        let show = labelled(30);
        assert_eq!((0..30).filter(|i| show(*i)).count(), 8);
        let all = labelled(5);
        assert!((0..5).all(all));
    }
}
