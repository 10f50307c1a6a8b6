# SPDX-License-Identifier: GPL-2.0-only
#
# mpi.gp : mpi.png (NetPIPE latency and bandwidth against message size)
# from netpipe.dat that mpi_report.py wrote.
#   gnuplot -e "dir='build/bench/mpi-<time>'" tests/bench/mpi.gp
set terminal pngcairo size 1000,900 font ",10" noenhanced
set output dir.'/mpi.png'
set datafile missing "NaN"
set key autotitle columnhead top left
set logscale xy
set grid
set xlabel "message size (octets)"
set multiplot layout 2,1 title "NetPIPE (Open MPI + UCX): native rxe0 vs guests on xenib0, one lab run (QEMU/TCG)"
set title "latency (us), lower is better"
set ylabel "us"
plot for [i=2:4] dir.'/netpipe.dat' using 1:i with linespoints lw 2 pt 7
set title "bandwidth (Mbps), higher is better"
set ylabel "Mbps"
set key top left
plot for [i=5:7] dir.'/netpipe.dat' using 1:i with linespoints lw 2 pt 7
unset multiplot
