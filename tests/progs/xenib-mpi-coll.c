// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xenib-mpi-coll: an MPI program heavy on collectives, with every result
 * checked.  Built twice, against Open MPI (xenib-mpi-coll.openmpi) and
 * against MPICH (xenib-mpi-coll.mpich), and run by the lab suite with its
 * ranks in two guests, so that the collectives' traffic crosses xenib0.
 *
 * Each round runs, for message sizes from 8 octets to the -s bound
 * (doubling): MPI_Bcast from a rotating root, MPI_Allreduce (sum and max),
 * MPI_Reduce, MPI_Allgather, MPI_Alltoall, MPI_Reduce_scatter_block, a
 * ring of MPI_Sendrecv and MPI_Barrier; the data are functions of the
 * rank, the round and the position, so a lost, duplicated or misplaced
 * octet is found.  Rank 0 prints one line per collective and size, then
 * "N passed, N failed" (summed over all ranks) last; the exit status is 0
 * only if nothing failed.
 *
 *   xenib-mpi-coll [-n ROUNDS] [-s MAX_OCTETS]
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long passed, failed;
static int rank, nranks;

static void result(const char *what, size_t size, int ok)
{
	if (ok)
		passed++;
	else
		failed++;
	if (!ok)
		fprintf(stderr, "rank %d: FAIL %s %zu octets\n", rank, what, size);
}

/* The value rank r puts at index i in round k: hard to get by accident. */
static uint64_t val(int r, int k, size_t i)
{
	uint64_t x = ((uint64_t)r << 40) ^ ((uint64_t)k << 24) ^ i;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static void round_of(int k, size_t bytes, uint64_t *a, uint64_t *b)
{
	size_t n = bytes / sizeof(uint64_t), i, per;
	int r, root = k % nranks, ok;

	/* Bcast */
	for (i = 0; i < n; i++)
		a[i] = rank == root ? val(root, k, i) : 0;
	MPI_Bcast(a, n, MPI_UINT64_T, root, MPI_COMM_WORLD);
	for (ok = 1, i = 0; i < n; i++)
		ok &= a[i] == val(root, k, i);
	result("bcast", bytes, ok);

	/* Allreduce sum and max */
	for (i = 0; i < n; i++)
		a[i] = val(rank, k, i) & 0xffffffff;
	MPI_Allreduce(a, b, n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
	for (ok = 1, i = 0; i < n; i++) {
		uint64_t s = 0;

		for (r = 0; r < nranks; r++)
			s += val(r, k, i) & 0xffffffff;
		ok &= b[i] == s;
	}
	result("allreduce-sum", bytes, ok);
	MPI_Allreduce(a, b, n, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
	for (ok = 1, i = 0; i < n; i++) {
		uint64_t m = 0;

		for (r = 0; r < nranks; r++)
			if ((val(r, k, i) & 0xffffffff) > m)
				m = val(r, k, i) & 0xffffffff;
		ok &= b[i] == m;
	}
	result("allreduce-max", bytes, ok);

	/* Reduce to the rotating root */
	memset(b, 0, bytes);
	MPI_Reduce(a, b, n, MPI_UINT64_T, MPI_SUM, root, MPI_COMM_WORLD);
	if (rank == root) {
		for (ok = 1, i = 0; i < n; i++) {
			uint64_t s = 0;

			for (r = 0; r < nranks; r++)
				s += val(r, k, i) & 0xffffffff;
			ok &= b[i] == s;
		}
		result("reduce", bytes, ok);
	}

	/* Allgather, Alltoall, Reduce_scatter_block: n split in blocks */
	per = n / nranks;
	if (per) {
		for (i = 0; i < per; i++)
			a[i] = val(rank, k, i);
		MPI_Allgather(a, per, MPI_UINT64_T, b, per, MPI_UINT64_T,
			      MPI_COMM_WORLD);
		for (ok = 1, r = 0; r < nranks; r++)
			for (i = 0; i < per; i++)
				ok &= b[r * per + i] == val(r, k, i);
		result("allgather", bytes, ok);

		for (r = 0; r < nranks; r++)
			for (i = 0; i < per; i++)
				a[r * per + i] = val(rank, k, r * per + i);
		MPI_Alltoall(a, per, MPI_UINT64_T, b, per, MPI_UINT64_T,
			     MPI_COMM_WORLD);
		for (ok = 1, r = 0; r < nranks; r++)
			for (i = 0; i < per; i++)
				ok &= b[r * per + i] == val(r, k, rank * per + i);
		result("alltoall", bytes, ok);

		for (i = 0; i < per * nranks; i++)
			a[i] = val(rank, k, i) & 0xffff;
		MPI_Reduce_scatter_block(a, b, per, MPI_UINT64_T, MPI_SUM,
					 MPI_COMM_WORLD);
		for (ok = 1, i = 0; i < per; i++) {
			uint64_t s = 0;

			for (r = 0; r < nranks; r++)
				s += val(r, k, rank * per + i) & 0xffff;
			ok &= b[i] == s;
		}
		result("reduce-scatter", bytes, ok);
	}

	/* A ring of Sendrecv: from the left neighbour, to the right one */
	for (i = 0; i < n; i++)
		a[i] = val(rank, k + 7, i);
	MPI_Sendrecv(a, n, MPI_UINT64_T, (rank + 1) % nranks, k,
		     b, n, MPI_UINT64_T, (rank + nranks - 1) % nranks, k,
		     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	for (ok = 1, i = 0; i < n; i++)
		ok &= b[i] == val((rank + nranks - 1) % nranks, k + 7, i);
	result("sendrecv-ring", bytes, ok);

	MPI_Barrier(MPI_COMM_WORLD);
}

int main(int argc, char **argv)
{
	size_t max = 1 << 20, bytes;
	int rounds = 2, opt, k;
	long tot[2], mine[2];
	char host[64];
	uint64_t *a, *b;
	double t0;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &nranks);
	while ((opt = getopt(argc, argv, "n:s:h")) != -1) {
		switch (opt) {
		case 'n':
			rounds = atoi(optarg);
			break;
		case 's':
			max = strtoul(optarg, NULL, 0);
			break;
		default:
			if (!rank)
				fprintf(stderr, "usage: %s [-n ROUNDS] [-s MAX_OCTETS]\n",
					argv[0]);
			MPI_Finalize();
			return 2;
		}
	}
	if (max < 8)
		max = 8;
	a = calloc(1, max * nranks);
	b = calloc(1, max * nranks);
	if (!a || !b)
		MPI_Abort(MPI_COMM_WORLD, 1);
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = 0;
	printf("rank %d of %d on %s\n", rank, nranks, host);
	fflush(stdout);
	MPI_Barrier(MPI_COMM_WORLD);
	t0 = MPI_Wtime();
	for (k = 0; k < rounds; k++)
		for (bytes = 8; bytes <= max; bytes *= 2)
			round_of(k, bytes, a, b);
	mine[0] = passed;
	mine[1] = failed;
	MPI_Reduce(mine, tot, 2, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
	if (!rank) {
		printf("%d ranks, %d rounds, 8..%zu octets: %.2f s\n", nranks,
		       rounds, max, MPI_Wtime() - t0);
		printf("%ld passed, %ld failed\n", tot[0], tot[1]);
	}
	MPI_Bcast(tot, 2, MPI_LONG, 0, MPI_COMM_WORLD);
	free(a);
	free(b);
	MPI_Finalize();
	return tot[1] ? 1 : 0;
}
