/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * libFuzzer harness: arbitrary bytes as a received frame, through the
 * whole receive path of one engine instance (sf_input_one: parse,
 * validate, responders). The last input byte is a control byte, so the
 * fuzzer also explores multi-segment mbufs and the checksum-offload paths:
 *   bit 0: split the frame into two segments (exercises linearisation)
 *   bit 1: use the engine whose port has IPv4 checksum offloads
 *   bits 2-3: rx IP checksum flag (none, unknown, bad, good)
 * Every mbuf must come back to the pool: a leak aborts the run.
 */

#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "sf_engine_pvt.h"
#include "sf_test.h"

static struct rte_mempool *pool;
static struct sf_engine *eng[2];
static char runtime_dir[PATH_MAX];

/* libFuzzer leaves by exit(): take EAL's runtime directory with us. */
static void
fuzz_rm_runtime_dir(void)
{
	sf_test_rm_runtime_dir(runtime_dir);
}

static struct sf_engine *
fuzz_engine(bool offload)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY };
	struct sf_port_conf pc = {
		.mac = {{ 0x02, 0, 0, 0, 0, 0x01 }},
	};
	static const char *const addrs[] = { "10.10.0.1/24",
		"fd00:10:10::1/64", "192.0.2.1/32" };
	struct sf_engine *e;
	struct sf_addr a;
	unsigned int i;

	if (offload) {
		pc.rx_offloads = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
		pc.tx_offloads = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	}
	e = sf_engine_create(&ep);
	if (e == NULL || sf_engine_port_add(e, 0, &pc) != 0)
		abort();
	for (i = 0; i < RTE_DIM(addrs); i++)
		if (sf_addr_parse(addrs[i], &a) != 0 ||
		    sf_engine_addr_add(e, 0, &a) != 0)
			abort();
	return e;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char prefix[64];
	char *eal[] = {
		(*argv)[0], "--no-huge", "-m", "128", "--no-pci",
		"--no-shconf", "--no-telemetry", "--log-level", "*:error",
		"--file-prefix", prefix, "-l", "0",
	};

	snprintf(prefix, sizeof(prefix), "sf_fuzz_%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0) {
		fprintf(stderr, "EAL: %s\n", rte_strerror(rte_errno));
		abort();
	}
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		rte_eal_get_runtime_dir());
	atexit(fuzz_rm_runtime_dir);
	pool = rte_pktmbuf_pool_create("fuzz", 255, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL)
		abort();
	eng[0] = fuzz_engine(false);
	eng[1] = fuzz_engine(true);
	return 0;
}

static const uint64_t fuzz_rx_flags[4] = {
	RTE_MBUF_F_RX_IP_CKSUM_NONE,
	RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN,
	RTE_MBUF_F_RX_IP_CKSUM_BAD,
	RTE_MBUF_F_RX_IP_CKSUM_GOOD,
};

static struct rte_mbuf *
fuzz_mbuf(const uint8_t *data, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *p;

	if (m == NULL || (p = rte_pktmbuf_append(m, len)) == NULL)
		abort();
	memcpy(p, data, len);
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m, *tail;
	uint16_t len, split;
	uint8_t ctl;

	if (size < 2)
		return 0;
	ctl = data[size - 1];
	len = (uint16_t)RTE_MIN(size - 1, (size_t)RTE_ETHER_MAX_LEN);
	split = (ctl & 1) && len > 16 ? len / 2 : len;

	m = fuzz_mbuf(data, split);
	if (split < len) {
		tail = fuzz_mbuf(data + split, len - split);
		if (rte_pktmbuf_chain(m, tail) != 0)
			abort();
	}
	m->ol_flags = fuzz_rx_flags[(ctl >> 2) & 3];
	/* Verdict TX or DROP, the mbuf is ours again: free it either way. */
	sf_input_one(sf_engine_worker(eng[(ctl >> 1) & 1], 0), 0, m);
	rte_pktmbuf_free(m);
	if (rte_mempool_avail_count(pool) != pool->size) {
		fprintf(stderr, "mbuf leak: %u in use\n",
			pool->size - rte_mempool_avail_count(pool));
		abort();
	}
	return 0;
}
