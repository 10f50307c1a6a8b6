# SPDX-License-Identifier: GPL-2.0-only
#
# plot.gp : bench.png from the plot data report.py wrote.
#   gnuplot -e "dir='build/bench/<time>'" tests/bench/plot.gp
# Top: latency ratio guest/native (lower is better, goal line at 8 B);
# bottom: bandwidth ratio guest/native (higher is better, goal from 64 KiB).
load dir.'/plot-vars.gp'
set terminal pngcairo size 1000,900 font ",10" noenhanced
set output dir.'/bench.png'
set datafile missing "NaN"
set key autotitle columnhead
set logscale x 2
set grid
set multiplot layout 2,1 title "xenib: guest (xenib0) / native (rxe0), same rxe0, one lab run (QEMU/TCG: ratios only)"

set title "Latency (perftest t_avg): guest / native, lower is better"
eval "set xtics ".lat_xtics
eval "set xrange ".lat_xrange
set ylabel "ratio"
set xlabel "message size"
set yrange [0:1.2<*]
set key top left
plot 1 with lines dt 2 lc rgb "gray" title "native", \
     lat_goal with lines dt 3 lc rgb "red" title sprintf("goal at 8 B: <= %.2f", lat_goal), \
     for [i=2:nlat] dir.'/plot-lat.dat' using 1:i with linespoints lw 2 pt 7

set title "Bandwidth (perftest BW average): guest / native, higher is better"
eval "set xtics ".bw_xtics
eval "set xrange ".bw_xrange
set yrange [0:1.2<*]
set key bottom left
plot 1 with lines dt 2 lc rgb "gray" title "native", \
     bw_goal with lines dt 3 lc rgb "red" title sprintf("goal from 64 KiB: >= %.2f", bw_goal), \
     for [i=2:nbw] dir.'/plot-bw.dat' using 1:i with linespoints lw 2 pt 7
unset multiplot
