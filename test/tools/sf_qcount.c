/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * sf_qcount: what an exact queue limit shared by several lcores costs.
 * The listener's SYN and accept queues are one counter per listener that
 * every lcore takes places in with compare-and-swap and gives back with
 * an atomic subtract (lib/tcp/sf_syncache.c, sf_take_place()). The other way
 * is a share per lcore that adds up to the limit: no shared write, but a
 * flood that lands on one lcore finds its share full early.
 *
 * Each thread takes a place and gives it back, ITERS times, either in
 * one shared counter (every thread the same cache line) or in its own
 * (a line each), and prints the TSC cycles per take+give. Not a test: a
 * measurement, quoted in docs/multicore.md. Plain pthreads, no DPDK.
 *
 *   sf_qcount [THREADS [ITERS]]
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

#define LINE 64

struct counter {
	uint32_t v;
	char pad[LINE - sizeof(uint32_t)];
} __attribute__((aligned(LINE)));

static struct counter shared_c;
static struct counter own_c[64];
static unsigned long iters = 10000000;
static volatile int go;

struct job {
	struct counter *c;
	uint64_t cycles;
};

static bool
take(uint32_t *q, uint32_t cap)
{
	uint32_t v = __atomic_load_n(q, __ATOMIC_RELAXED);

	do {
		if (v >= cap)
			return false;
	} while (!__atomic_compare_exchange_n(q, &v, v + 1, true,
			__ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return true;
}

static void *
run(void *arg)
{
	struct job *j = arg;
	unsigned long i;
	uint64_t t0;

	while (!go)
		;
	t0 = __rdtsc();
	for (i = 0; i < iters; i++) {
		if (take(&j->c->v, 1u << 30))
			__atomic_fetch_sub(&j->c->v, 1, __ATOMIC_RELAXED);
	}
	j->cycles = __rdtsc() - t0;
	return NULL;
}

static double
measure(int n, bool shared)
{
	pthread_t t[64];
	struct job j[64];
	double worst = 0;
	int i;

	go = 0;
	for (i = 0; i < n; i++) {
		j[i].c = shared ? &shared_c : &own_c[i];
		pthread_create(&t[i], NULL, run, &j[i]);
	}
	go = 1;
	for (i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		if ((double)j[i].cycles / iters > worst)
			worst = (double)j[i].cycles / iters;
	}
	return worst;
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2;

	if (argc > 2)
		iters = strtoul(argv[2], NULL, 10);
	if (n < 1 || n > 64 || iters == 0) {
		fprintf(stderr, "usage: sf_qcount [THREADS 1..64 [ITERS]]\n");
		return 2;
	}
	printf("{\"threads\": %d, \"iters\": %lu, "
		"\"own_line_cycles\": %.1f, \"shared_line_cycles\": %.1f}\n",
		n, iters, measure(n, false), measure(n, true));
	return 0;
}
