package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// plotData is gnuplot's input: one row per endpoint, label, req/s and p99.
func plotData(r *Results) string {
	var b strings.Builder
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "%q\t%s\t%s\n", row.Label, f0(row.Run.RPS), f3(row.Run.P99ms))
	}
	return b.String()
}

// plotScript draws req/s and p99 per endpoint, side by side, from data
// into png.
func plotScript(r *Results, data, png string) string {
	return fmt.Sprintf(`set terminal pngcairo size 1400,660 font "sans,10"
set output %q
set datafile separator "\t"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set grid ytics
set yrange [0:*]
set xtics rotate by -30 left
set bmargin 12
set key off
set multiplot layout 1,2 title "movieapi, %d connections, %d s per run"
set title "requests per second"
plot %[4]q using 2:xtic(1) linecolor rgb "#3b4cca", "" using 0:2:2 with labels offset 0,0.7 font "sans,9"
set title "p99 latency (ms)"
plot %[4]q using 3:xtic(1) linecolor rgb "#b3261e", "" using 0:3:3 with labels offset 0,0.7 font "sans,9"
unset multiplot
`, png, r.Settings.Connections, r.Settings.DurationS, data)
}

// plot writes the chart with gnuplot; work is a directory for its data.
func plot(ctx context.Context, r *Results, work, png string) error {
	data := filepath.Join(work, "plot.tsv")
	if err := os.WriteFile(data, []byte(plotData(r)), 0o600); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(png), 0o750); err != nil {
		return err
	}
	cmd := command(ctx, "gnuplot")
	cmd.Stdin = strings.NewReader(plotScript(r, data, png))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("gnuplot: %w", err)
	}
	return nil
}
