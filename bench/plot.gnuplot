# Throughput and p99 latency against concurrency, from the data files `objectstore-bench report` writes
# (one per system: concurrency, ops/s, p99 ms). Called as:
#   gnuplot -e "datadir='bench/results/chart-data'; outdir='bench/results'; systems='embedded 3-silo nginx postgres'" bench/plot.gnuplot
set terminal pngcairo size 900,540 font "DejaVu Sans,10"
set grid
set key top left Left reverse
set logscale x 2
set xlabel "operations in flight (concurrency)"
set style data linespoints

set output outdir."/sweep-throughput.png"
set title "Small objects (p50 5 KiB, p99 20 KiB), 97/2/1: throughput"
set ylabel "operations/s"
set yrange [0:*]
plot for [s in systems] datadir."/".s.".dat" using 1:2 title s lw 2 pt 7

set output outdir."/sweep-p99.png"
set title "Small objects (p50 5 KiB, p99 20 KiB), 97/2/1: p99 latency"
set ylabel "p99 latency (ms)"
set logscale y 10
set yrange [*:*]
plot for [s in systems] datadir."/".s.".dat" using 1:3 title s lw 2 pt 7
