// Package report writes a load test's result (loadtest.Result): WriteJSON
// the record, indented; WriteHTML one page a person reads after a run.
//
// # The page
//
// One self-contained HTML document: inline CSS and SVG drawn here, no
// script, no external resource, and a Content-Security-Policy that
// forbids fetching any. Every value is escaped (html/template; the SVG's
// few texts with html.EscapeString). Its parts, top to bottom:
//
//   - The header: profile and multiplier, target, start and end (UTC) and
//     the verdict, big. The verdict (Verdict) is PASS when the run is
//     valid and every threshold passed, else FAIL: an invalid run fails
//     whatever its thresholds say, as the process exits non-zero.
//   - When the run is invalid, a banner "INVALID RUN: the generator fell
//     behind" with the result's reasons.
//   - Tiles: scheduled, started, completed, failed, lost, dropped, late,
//     start errors (red or amber when they should be zero and are not);
//     latency p50, p90, p99, p99.9, max and schedule lag p99 ("–" when
//     nothing was measured).
//   - The thresholds: expression, measured value in its unit, PASS or
//     FAIL, source.
//   - Five charts: latency p50 and p99 over time; the latency distribution;
//     starts and completions per interval; failures per interval; the
//     generator's schedule lag p99 over time.
//   - The cost estimate (loadtest.EstimateCost): each line's quantity,
//     unit, price (linked to its source, marked when unverified) and
//     dollars; total and per workflow; the prices' region and as-of date;
//     the estimate's notes (free tiers ignored, metrics pro-rated by the
//     hour, ...).
//   - The SlowestSamples (20) slowest workflows with their correlation
//     ids, for cross-checks against spans and logs.
//
// Numbers: counts with thousands separators; milliseconds at a readable
// scale (0.42 ms, 123 ms, 1.23 s, 2.5 min); dollars to the cent from $1,
// else to three significant digits ($0.0548); times in UTC.
//
// # Charts
//
// Time charts put each interval's value in the middle of its interval;
// the axis is the time since the first interval. Latency lines skip the
// intervals where no workflow ended, the lag line those where none
// started (gaps, not zeros). The distribution draws one bar per bucket,
// all as wide: the buckets are log-spaced, so the x axis is logarithmic,
// labelled with upper bounds.
//
// For tests and tools, every chart says what it draws: its figure and
// its svg carry data-chart (latency, distribution, throughput, errors,
// lag) and data-points (points or bars drawn); each series is a
// <g class="series" data-series data-points data-color>. Plots are
// outlined 2 px in #c5c6c7, which nothing else uses; each series has its
// own colour, not grey, and everything else in a plot is grey, so a
// screenshot tells drawn data from an empty plot. A chart without data
// keeps its frame, has data-points="0" and says "no data".
//
// TestReportInChromium checks exactly that in headless Chromium (make
// tools installs it; $CHROMIUM names another; PREVIEW_DIR keeps the pages
// and screenshots). TestGolden compares the page of testdata/result.json
// with testdata/report.html; go test -run TestGolden -update rewrites
// both.
//
// # Limits
//
// The page is laid out for a 1400 px wide window. Samples are listed only
// as far as the result kept them. The charts draw what the result's
// timeline and buckets hold; they compute nothing from the samples.
package report
