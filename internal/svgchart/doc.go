// Package svgchart is the SVG chart kit of the dashboard preview
// (dashboards/render) and the load-test report (loadtest/report): one
// rule for axis ticks, linear scales, the plot frame, grid, axis labels
// and line paths, so the two pages draw alike. Layout (sizes, legends,
// bars, gauges) stays with each page.
//
// Ticks: a value axis steps by 1, 2 or 5 × 10^k, the smallest such step
// giving at most the ticks asked for (Step, Ticks), covering the data
// from the last step at or below it to the first at or above it. A time
// axis steps by the shortest of TimeSteps giving at most the ticks asked
// for (1, 2, 5 ms … 500 ms; 1, 2, 5, 10, 15, 30 s; the same in minutes;
// 1, 2, 3, 6, 12, 24 h): round on a clock.
//
// Colours: the plot frame is FrameColor (2 px, crisp), and nothing else
// uses it; grid and axis text are grey, so a screenshot tells drawn data
// (the pages' series colours at full opacity) from an empty plot.
//
// Every text written is HTML-escaped; coordinates are written with one
// decimal (grid, ticks) or the precision a page asks for (Points).
package svgchart
