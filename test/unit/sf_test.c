/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#include <netinet/in.h>
#include <unistd.h>

#include "sf_test.h"

int sf_test_failures;
struct rte_mempool *sf_test_pool;

const struct rte_ether_addr sf_test_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
const struct rte_ether_addr sf_test_peer = {{ 0x02, 0, 0, 0, 0, 0x02 }};
const uint8_t sf_test_v4[4] = { 10, 10, 0, 1 };
const uint8_t sf_test_v6[16] = {
	0xfd, 0x00, 0x00, 0x10, 0x00, 0x10, [15] = 0x01
};

void
sf_test_init(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = {
		argv[0], "--no-huge", "-m", "128", "--no-pci", "--no-shconf",
		"--no-telemetry", "--log-level", "lib.eal:error",
		"--file-prefix", prefix, "-l", "0",
	};

	RTE_SET_USED(argc);
	snprintf(prefix, sizeof(prefix), "sf_unit_%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0) {
		fprintf(stderr, "EAL init failed: %s\n",
			rte_strerror(rte_errno));
		exit(1);
	}
	sf_test_pool = rte_pktmbuf_pool_create("sf_test", 1023, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (sf_test_pool == NULL) {
		fprintf(stderr, "pool: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
}

struct sf_engine *
sf_test_engine(bool tx_ip4_cksum)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY };
	struct sf_port_conf pc = { .mac = sf_test_mac };
	struct sf_engine *eng;
	struct sf_addr a;

	if (tx_ip4_cksum)
		pc.tx_offloads = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	eng = sf_engine_create(&ep);
	if (eng == NULL || sf_engine_port_add(eng, SF_TEST_PORT, &pc) != 0) {
		fprintf(stderr, "engine: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.prefix_len = 24;
	memcpy(&a.v4, sf_test_v4, 4);
	if (sf_engine_addr_add(eng, SF_TEST_PORT, &a) != 0)
		exit(1);
	a.family = AF_INET6;
	a.prefix_len = 64;
	memcpy(a.v6, sf_test_v6, 16);
	if (sf_engine_addr_add(eng, SF_TEST_PORT, &a) != 0)
		exit(1);
	return eng;
}

struct rte_mbuf *
sf_test_mbuf(const void *data, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(sf_test_pool);
	char *p;

	if (m == NULL || (p = rte_pktmbuf_append(m, len)) == NULL) {
		fprintf(stderr, "mbuf alloc of %u bytes failed\n", len);
		exit(1);
	}
	memcpy(p, data, len);
	return m;
}

uint64_t
sf_test_counter(struct sf_engine *eng, enum sf_counter c)
{
	uint64_t v[SF_CNT_MAX];

	sf_engine_worker_counters(eng, 0, v);
	return v[c];
}

enum sf_verdict
sf_test_input(struct sf_engine *eng, struct rte_mbuf *m)
{
	return sf_input_one(sf_engine_worker(eng, 0), SF_TEST_PORT, m);
}

int
sf_test_done(const char *name)
{
	unsigned int avail = rte_mempool_avail_count(sf_test_pool);

	/* Every test must give back every mbuf it took. */
	if (avail != sf_test_pool->size) {
		fprintf(stderr, "FAIL %s: %u mbufs not returned to the pool\n",
			name, sf_test_pool->size - avail);
		sf_test_failures++;
	}
	printf("%s: %s (%d failure%s)\n", name,
		sf_test_failures ? "FAILED" : "ok", sf_test_failures,
		sf_test_failures == 1 ? "" : "s");
	rte_mempool_free(sf_test_pool);
	rte_eal_cleanup();
	return sf_test_failures ? 1 : 0;
}
