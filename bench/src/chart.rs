//! The book's chart (`book/src/benchmark/chart.svg`), drawn with plotters'
//! SVG backend: throughput of the thread-per-client servers on the left,
//! the serial server's latency against the threaded one's on the right.
//! Both x axes are logarithmic (1, 8, 64, 500 clients).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::report::thousands;
use crate::results::{Results, Scenario, CLIENTS, CONVERSATION_SERVERS, TCP_SERVERS};

/// Width and height of the whole picture, in pixels.
const SIZE: (u32, u32) = (1000, 420);

/// One line of the chart: a name, its points, its colour, solid or dashed.
struct Line {
    name: String,
    points: Vec<(f64, f64)>,
    color: RGBColor,
    dashed: bool,
}

/// Draws the chart as SVG text.
pub fn svg(results: &Results) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let (left, right) = root.split_horizontally(SIZE.0 / 2);

        let throughput: Vec<Line> = TCP_SERVERS
            .iter()
            .map(|&server| Line {
                name: server.to_string(),
                points: points(results, Scenario::Tcp, server, |r| r.round_trips_per_s),
                color: color(server),
                dashed: false,
            })
            .collect();
        throughput_panel(&left, &throughput)?;

        let mut latency = vec![];
        for &server in &CONVERSATION_SERVERS {
            for (which, pick, dashed) in [
                (
                    "p50",
                    (|f| f.p50) as fn(&crate::loadgen::Latency) -> f64,
                    false,
                ),
                ("p99", |f| f.p99, true),
            ] {
                latency.push(Line {
                    name: format!("{server} first reply {which}"),
                    points: points(results, Scenario::TcpConversations, server, |r| {
                        r.first_reply_us.as_ref().map_or(0.0, pick)
                    }),
                    color: color(server),
                    dashed,
                });
            }
        }
        latency_panel(&right, &latency)?;
        root.present()?;
    }
    Ok(svg)
}

fn points(
    results: &Results,
    scenario: Scenario,
    server: &str,
    value: impl Fn(&crate::loadgen::Report) -> f64,
) -> Vec<(f64, f64)> {
    CLIENTS
        .iter()
        .filter_map(|&n| {
            let r = results.report(scenario, server, n)?;
            Some((n as f64, value(r)))
        })
        .collect()
}

/// The scale chart (`book/src/benchmark/scale.svg`): for each server of the
/// 10,000-connection storm, how long the storm took (left) and the resident
/// memory per idle connection (right), as bars on logarithmic axes (the
/// values span two orders of magnitude). Rust servers are drawn solid,
/// Python ones lighter.
pub fn scale_svg(results: &Results) -> anyhow::Result<String> {
    let storms = results.scale.as_ref().map_or(&[][..], |s| &s.storms[..]);
    let bars = |value: fn(&crate::scale::StormCell) -> Option<f64>| -> Vec<Bar> {
        storms
            .iter()
            .map(|c| Bar {
                name: c.server.clone(),
                value: if c.error.is_none() { value(c) } else { None },
                color: color(&c.server),
                python: c.server.starts_with("python"),
            })
            .collect()
    };
    let connections = results
        .scale
        .as_ref()
        .map_or("-".into(), |s| thousands(s.connections as f64));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let (left, right) = root.split_horizontally(SIZE.0 / 2);
        bar_panel(
            &left,
            &format!("{connections} connections at once: the storm"),
            "seconds until every connection had its first echo (log scale)",
            &bars(|c| Some(c.storm.as_ref()?.seconds)),
            |v| format!("{v:.2} s"),
        )?;
        bar_panel(
            &right,
            "Resident memory per idle connection",
            "KiB per connection (log scale)",
            &bars(crate::scale::StormCell::idle_kib_per_connection),
            |v| format!("{v:.2} KiB"),
        )?;
        root.present()?;
    }
    Ok(svg)
}

/// One bar of a bar panel.
struct Bar {
    name: String,
    value: Option<f64>,
    color: RGBColor,
    python: bool,
}

/// Horizontal bars, one per server, top to bottom, the value's text beside
/// each bar; a missing value reads "not measured".
fn bar_panel(
    area: &DrawingArea<SVGBackend, Shift>,
    caption: &str,
    x_desc: &str,
    bars: &[Bar],
    text: impl Fn(f64) -> String,
) -> anyhow::Result<()> {
    let values = bars.iter().filter_map(|b| b.value).filter(|v| *v > 0.0);
    let (low, high) = values.fold((f64::MAX, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (low, high) = if low == f64::MAX {
        (0.1, 10.0)
    } else {
        (low, high)
    };
    // Room on the left for the names, on the right for the numbers.
    let (from, to) = (low / 40.0, high * 8.0);
    let rows = bars.len().max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(10)
        .build_cartesian_2d((from..to).log_scale(), 0f64..rows)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .disable_y_mesh()
        .disable_y_axis()
        .x_desc(x_desc)
        .x_label_formatter(&|x| {
            let t = format!("{x:.2}");
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        })
        .draw()?;
    let name_at = from * 1.1;
    let bar_from = low / 4.0;
    for (i, bar) in bars.iter().enumerate() {
        // The first server at the top.
        let y = rows - i as f64;
        let fill = if bar.python {
            bar.color.mix(0.45).filled()
        } else {
            bar.color.filled()
        };
        chart.draw_series(std::iter::once(Text::new(
            bar.name.clone(),
            (name_at, y - 0.35),
            ("sans-serif", 14),
        )))?;
        let label = match bar.value {
            Some(v) if v > 0.0 => {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(bar_from, y - 0.8), (v, y - 0.2)],
                    fill,
                )))?;
                (text(v), v * 1.1)
            }
            Some(v) => (text(v), bar_from),
            None => ("not measured".to_string(), bar_from),
        };
        chart.draw_series(std::iter::once(Text::new(
            label.0,
            (label.1, y - 0.6),
            ("sans-serif", 13),
        )))?;
    }
    Ok(())
}

/// Each server keeps its colour in both panels (Okabe-Ito, colour-blind safe).
fn color(server: &str) -> RGBColor {
    match server {
        "baseline" => RGBColor(0, 114, 178),
        "tcp-threaded" => RGBColor(213, 94, 0),
        "python-threaded" => RGBColor(0, 158, 115),
        "tcp-serial" => RGBColor(204, 121, 167),
        // Lessons 7 and 8 share a colour with their Python counterparts
        // and their yardsticks.
        "tcp-select" | "python-select" | "mio-minimal" => RGBColor(86, 180, 233),
        "tcp-async" | "python-async" | "tokio-minimal" => RGBColor(230, 159, 0),
        _ => RGBColor(120, 120, 120),
    }
}

/// A latency for an axis label, as short as it can be: "50 µs", "2 ms", "1.5 s".
fn axis_duration(us: f64) -> String {
    let (value, unit) = if us < 1_000.0 {
        (us, "µs")
    } else if us < 1_000_000.0 {
        (us / 1_000.0, "ms")
    } else {
        (us / 1_000_000.0, "s")
    };
    let text = format!("{value:.1}");
    format!("{} {unit}", text.trim_end_matches(".0"))
}

/// Round trips per second against clients, linear y.
fn throughput_panel(area: &DrawingArea<SVGBackend, Shift>, lines: &[Line]) -> anyhow::Result<()> {
    let top = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(1.0f64, f64::max)
        // Headroom above the highest point for the legend.
        * 1.45;
    let mut chart = ChartBuilder::on(area)
        .caption("TCP echo, one connection per client", ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d((1f64..700f64).log_scale(), 0f64..top)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .x_desc("concurrent clients")
        .y_desc("round trips per second")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| thousands(*y))
        .draw()?;
    // The y axis leaves room at the top; the low end holds the 1-client points.
    draw_lines(&mut chart, lines, SeriesLabelPosition::UpperRight)?;
    Ok(())
}

/// Latency against clients, both axes logarithmic.
fn latency_panel(area: &DrawingArea<SVGBackend, Shift>, lines: &[Line]) -> anyhow::Result<()> {
    let values = lines.iter().flat_map(|l| l.points.iter().map(|p| p.1));
    let (low, high) = values.fold((f64::MAX, 1.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let low = if low == f64::MAX { 1.0 } else { low };
    let mut chart = ChartBuilder::on(area)
        .caption(
            "Clients arriving at once: wait for a first reply",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(
            (1f64..700f64).log_scale(),
            ((low / 2.0).max(1.0)..high * 2.0).log_scale(),
        )?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .x_desc("concurrent clients")
        .y_desc("latency (log scale)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| axis_duration(*y))
        .draw()?;
    // Latency grows to the right: the top left stays empty.
    draw_lines(&mut chart, lines, SeriesLabelPosition::UpperLeft)?;
    Ok(())
}

fn draw_lines<'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    lines: &[Line],
    legend: SeriesLabelPosition,
) -> anyhow::Result<()>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for line in lines {
        let c = line.color;
        let style = c.stroke_width(2);
        let drawn = if line.dashed {
            chart.draw_series(DashedLineSeries::new(line.points.clone(), 6, 4, style))?
        } else {
            chart.draw_series(LineSeries::new(line.points.clone(), style))?
        };
        let dashed = line.dashed;
        drawn.label(line.name.clone()).legend(move |(x, y)| {
            // A legend swatch that looks like its line: solid, or two dashes.
            let dash = if dashed { 8 } else { 20 };
            EmptyElement::at((x, y))
                + PathElement::new(vec![(0, 0), (dash, 0)], style)
                + PathElement::new(vec![(20 - dash, 0), (20, 0)], style)
        });
        chart.draw_series(line.points.iter().map(|&p| Circle::new(p, 4, c.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(legend)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::Machine;
    use crate::results::Settings;

    #[test]
    fn an_empty_run_still_draws_axes() {
        let results = Results {
            note: String::new(),
            machine: Machine::default(),
            pinning: Default::default(),
            load_after: 0.0,
            settings: Settings {
                seconds_per_run: 1.0,
                repeat: 1,
                message_bytes: 64,
                loadgen_threads: 1,
                udp_servers_print: false,
            },
            cells: vec![],
            ratios: vec![],
            targets: vec![],
            scale: None,
        };
        let svg = svg(&results).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("concurrent clients"));
        let scale = scale_svg(&results).unwrap();
        assert!(scale.starts_with("<svg") && scale.contains("KiB per connection"));
    }
}

#[cfg(test)]
mod label_tests {
    use super::axis_duration;

    #[test]
    fn axis_labels_are_short() {
        assert_eq!(axis_duration(50.0), "50 µs");
        assert_eq!(axis_duration(2_000.0), "2 ms");
        assert_eq!(axis_duration(1_500_000.0), "1.5 s");
    }
}
