/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/engine/sf_engine.c: construction and its argument checks, counter names,
 * counters summed over workers, and the worker's burst path. The tests
 * have no ethdev: port 0 has no device behind it, so ethdev's placeholder
 * burst functions for ports that are not ready receive nothing and send
 * nothing, which is what the tx-failure path needs.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <rte_arp.h>
#include <rte_lcore.h>

#include "sf_test.h"


/* A frame dropped as drop_eth_truncated. */
static struct rte_mbuf *
runt(void)
{
	uint8_t f[10] = { 0 };

	return sf_test_mbuf(f, sizeof(f));
}

static void
test_create(void)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY };
	struct sf_port_conf pc = { .mac = sf_test_mac };
	struct sf_engine *eng;

	rte_errno = 0;
	SF_CHECK(sf_engine_create(NULL) == NULL);
	SF_CHECK_EQ(rte_errno, EINVAL);
	rte_errno = 0;
	ep.nb_workers = 0;
	SF_CHECK(sf_engine_create(&ep) == NULL);
	SF_CHECK_EQ(rte_errno, EINVAL);
	rte_errno = 0;
	ep.nb_workers = RTE_MAX_LCORE + 1;
	SF_CHECK(sf_engine_create(&ep) == NULL);
	SF_CHECK_EQ(rte_errno, EINVAL);

	/* tx_drain_us 0 selects the default; another value is kept. */
	ep.nb_workers = 3;
	eng = sf_engine_create(&ep);
	SF_CHECK(eng != NULL);
	if (eng == NULL)
		return;
	SF_CHECK_EQ(eng->en_tx_drain_us, 20);
	SF_CHECK_EQ(sf_engine_worker_count(eng), 3);
	SF_CHECK(sf_engine_worker(eng, 2) != NULL);
	SF_CHECK(sf_engine_worker(eng, 3) == NULL);
	SF_CHECK(sf_engine_worker(NULL, 0) == NULL);
	SF_CHECK_EQ(sf_engine_worker_lcore(eng, 0), -1);
	SF_CHECK_EQ(sf_engine_worker_lcore(eng, 3), -EINVAL);
	SF_CHECK_EQ(sf_worker_queue_count(sf_engine_worker(eng, 0)), 0);
	sf_engine_free(eng);
	ep.tx_drain_us = 250;
	ep.nb_workers = 1;
	eng = sf_engine_create(&ep);
	SF_CHECK(eng != NULL);
	if (eng == NULL)
		return;
	SF_CHECK_EQ(eng->en_tx_drain_us, 250);

	/* Ports. */
	SF_CHECK_EQ(sf_engine_port_add(eng, 0, NULL), -EINVAL);
	SF_CHECK_EQ(sf_engine_port_add(NULL, 0, &pc), -EINVAL);
	SF_CHECK_EQ(sf_engine_port_add(eng, RTE_MAX_ETHPORTS, &pc), -EINVAL);
	SF_CHECK_EQ(sf_engine_addr_count(eng, 0), -EINVAL);
	SF_CHECK_EQ(sf_engine_port_add(eng, 0, &pc), 0);
	SF_CHECK_EQ(sf_engine_port_add(eng, 0, &pc), -EEXIST);
	SF_CHECK_EQ(sf_engine_port_add(eng, RTE_MAX_ETHPORTS - 1, &pc), 0);
	SF_CHECK_EQ(sf_engine_addr_count(eng, 0), 0);
	sf_engine_free(eng);
	sf_engine_free(NULL);
}

/* Address table limits, across both families. */
static void
test_addr_limit(void)
{
	struct sf_engine *eng = sf_test_engine(false);
	struct sf_addr a;
	char buf[64];
	unsigned int i;

	/* The test engine has two; fill the rest with both families. */
	for (i = 2; i < SF_MAX_ADDRS_PER_PORT; i++) {
		snprintf(buf, sizeof(buf), i & 1 ? "10.20.0.%u/24" :
			"fd00:20::%u/64", i);
		SF_CHECK_EQ(sf_addr_parse(buf, &a), 0);
		SF_CHECK_EQ(sf_engine_addr_add(eng, SF_TEST_PORT, &a), 0);
	}
	SF_CHECK_EQ(sf_engine_addr_count(eng, SF_TEST_PORT),
		SF_MAX_ADDRS_PER_PORT);
	sf_addr_parse("10.30.0.1", &a);
	SF_CHECK_EQ(sf_engine_addr_add(eng, SF_TEST_PORT, &a), -ENOSPC);
	sf_addr_parse("fd00:30::1", &a);
	SF_CHECK_EQ(sf_engine_addr_add(eng, SF_TEST_PORT, &a), -ENOSPC);
	sf_engine_free(eng);
}

static void
test_counter_names(void)
{
	unsigned int i, j, drops = 0;
	const char *n;

	for (i = 0; i < SF_CNT_MAX; i++) {
		n = sf_counter_name(i);
		if (n == NULL || n[0] == '\0' || sf_counter_desc(i) == NULL ||
		    sf_counter_desc(i)[0] == '\0') {
			fprintf(stderr, "FAIL: counter %u has no name or "
				"description\n", i);
			sf_test_failures++;
			continue;
		}
		for (j = 0; j < i; j++)
			if (sf_counter_name(j) != NULL &&
			    strcmp(n, sf_counter_name(j)) == 0) {
				fprintf(stderr, "FAIL: counters %u and %u are "
					"both %s\n", j, i, n);
				sf_test_failures++;
			}
		/* A drop counter is one named drop_*, or a tx drop. */
		if (sf_counter_is_drop(i) != (strncmp(n, "drop_", 5) == 0 ||
					      i == SF_CNT_tx_dropped ||
					      i == SF_CNT_tx_handoff_dropped)) {
			fprintf(stderr, "FAIL: sf_counter_is_drop(%s) = %d\n",
				n, sf_counter_is_drop(i));
			sf_test_failures++;
		}
		drops += sf_counter_is_drop(i) != 0;
	}
	SF_CHECK(sf_counter_name(SF_CNT_MAX) == NULL);
	SF_CHECK(sf_counter_desc(SF_CNT_MAX) == NULL);
	SF_CHECK(sf_counter_name((enum sf_counter)-1) == NULL);
	SF_CHECK(sf_counter_desc((enum sf_counter)-1) == NULL);
	SF_CHECK(strcmp(sf_counter_name(SF_CNT_rx_packets), "rx_packets") == 0);
	SF_CHECK(strcmp(sf_counter_name(SF_CNT_drop_tcp_timewait),
		"drop_tcp_timewait") == 0);
	SF_CHECK(strcmp(sf_counter_desc(SF_CNT_drop_vlan_stack),
		"more than two VLAN tags") == 0);

	SF_CHECK(sf_counter_is_drop(SF_CNT_tx_dropped));
	SF_CHECK(sf_counter_is_drop(SF_CNT_drop_nonlinear));
	SF_CHECK(sf_counter_is_drop(SF_CNT_drop_tcp_timewait));
	SF_CHECK(!sf_counter_is_drop(SF_CNT_rx_packets));
	SF_CHECK(!sf_counter_is_drop(SF_CNT_tx_packets));
	SF_CHECK(!sf_counter_is_drop(SF_CNT_arp_ignored));
	SF_CHECK(!sf_counter_is_drop(SF_CNT_tcp_segments));
	SF_CHECK(!sf_counter_is_drop(SF_CNT_MAX));
	/* Everything from drop_nonlinear on, tx_dropped and
	 * tx_handoff_dropped. */
	SF_CHECK(sf_counter_is_drop(SF_CNT_tx_handoff_dropped));
	SF_CHECK_EQ(drops, SF_CNT_MAX - SF_CNT_drop_nonlinear + 2);
}

static void
test_two_workers(void)
{
	struct sf_port_conf pc = { .mac = sf_test_mac };
	struct sf_engine *eng = sf_test_engine_conf(&pc, 2);
	struct sf_worker *w0 = sf_engine_worker(eng, 0);
	struct sf_worker *w1 = sf_engine_worker(eng, 1);
	uint64_t sum[SF_CNT_MAX], c0[SF_CNT_MAX], c1[SF_CNT_MAX];
	struct rte_mbuf *m;
	unsigned int i;

	SF_CHECK_EQ(sf_engine_worker_count(eng), 2);
	for (i = 0; i < 3; i++) {
		m = sf_test_arp_request();
		SF_CHECK_EQ(sf_input_one(w0, SF_TEST_PORT, m), SF_VERDICT_TX);
		rte_pktmbuf_free(m);
	}
	for (i = 0; i < 2; i++) {
		m = sf_test_arp_request();
		SF_CHECK_EQ(sf_input_one(w1, SF_TEST_PORT, m), SF_VERDICT_TX);
		rte_pktmbuf_free(m);
	}
	m = runt();
	SF_CHECK_EQ(sf_input_one(w1, SF_TEST_PORT, m), SF_VERDICT_DROP);
	rte_pktmbuf_free(m);

	SF_CHECK_EQ(sf_engine_worker_counters(eng, 0, c0), 0);
	SF_CHECK_EQ(sf_engine_worker_counters(eng, 1, c1), 0);
	SF_CHECK_EQ(sf_engine_worker_counters(eng, 2, c1), -EINVAL);
	SF_CHECK_EQ(sf_engine_worker_counters(NULL, 0, c1), -EINVAL);
	sf_engine_counters(eng, sum);
	SF_CHECK_EQ(c0[SF_CNT_arp_replies], 3);
	SF_CHECK_EQ(c1[SF_CNT_arp_replies], 2);
	SF_CHECK_EQ(c0[SF_CNT_drop_eth_truncated], 0);
	SF_CHECK_EQ(c1[SF_CNT_drop_eth_truncated], 1);
	SF_CHECK_EQ(sum[SF_CNT_arp_replies], 5);
	SF_CHECK_EQ(sum[SF_CNT_drop_eth_truncated], 1);
	for (i = 0; i < SF_CNT_MAX; i++) {
		if (sum[i] != c0[i] + c1[i]) {
			fprintf(stderr, "FAIL: %s: sum %" PRIu64 " != %" PRIu64
				" + %" PRIu64 "\n", sf_counter_name(i), sum[i],
				c0[i], c1[i]);
			sf_test_failures++;
		}
		/*
		 * Nothing else moved: sf_input_one does not count rx. The
		 * requests also taught the neighbour table their sender
		 * (one entry, created once, learnt once).
		 */
		if (i == SF_CNT_neigh_created || i == SF_CNT_neigh_learnt) {
			SF_CHECK_EQ(sum[i], 1);
			continue;
		}
		if (i != SF_CNT_arp_replies && i != SF_CNT_drop_eth_truncated &&
		    sum[i] != 0) {
			fprintf(stderr, "FAIL: %s is %" PRIu64 "\n",
				sf_counter_name(i), sum[i]);
			sf_test_failures++;
		}
	}
	sf_engine_free(eng);
}

static void
test_queues(void)
{
	struct sf_port_conf pc = { .mac = sf_test_mac };
	struct sf_engine *eng = sf_test_engine(false);
	struct sf_worker *w = sf_engine_worker(eng, 0);
	uint16_t p;

	SF_CHECK_EQ(sf_worker_queue_count(w), 0);
	SF_CHECK_EQ(sf_worker_queue_add(NULL, SF_TEST_PORT, 0), -EINVAL);
	SF_CHECK_EQ(sf_worker_queue_add(w, 1, 0), -EINVAL); /* not added */
	SF_CHECK_EQ(sf_worker_queue_add(w, RTE_MAX_ETHPORTS, 0), -EINVAL);
	SF_CHECK_EQ(sf_worker_queue_add(w, SF_TEST_PORT, 0), 0);
	SF_CHECK_EQ(sf_worker_queue_add(w, SF_TEST_PORT, 1), -EINVAL);
	for (p = 1; p < SF_MAX_WORKER_QUEUES; p++) {
		SF_CHECK_EQ(sf_engine_port_add(eng, p, &pc), 0);
		SF_CHECK_EQ(sf_worker_queue_add(w, p, 0), 0);
	}
	SF_CHECK_EQ(sf_worker_queue_count(w), SF_MAX_WORKER_QUEUES);
	SF_CHECK_EQ(sf_engine_port_add(eng, p, &pc), 0);
	SF_CHECK_EQ(sf_worker_queue_add(w, p, 0), -ENOSPC);
	SF_CHECK_EQ(sf_worker_queue_count(w), SF_MAX_WORKER_QUEUES);
	sf_engine_free(eng);
}

/* A worker fed a port it has no tx queue for: replies are dropped. */
static void
test_input_no_queue(void)
{
	struct sf_engine *eng = sf_test_engine(false);
	struct sf_worker *w = sf_engine_worker(eng, 0);
	struct rte_mbuf *pkts[5];
	unsigned int i;

	pkts[0] = sf_test_arp_request();
	pkts[1] = runt();
	pkts[2] = sf_test_arp_request();
	pkts[3] = sf_test_arp_request();
	pkts[4] = runt();
	SF_CHECK_EQ(sf_worker_input(w, SF_TEST_PORT, pkts, 5), 5);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_rx_packets), 5);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_arp_replies), 3);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tx_dropped), 3);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_drop_eth_truncated), 2);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tx_packets), 0);
	/* An empty burst counts nothing. */
	SF_CHECK_EQ(sf_worker_input(w, SF_TEST_PORT, pkts, 0), 0);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_rx_packets), 5);
	/*
	 * A port the engine does not know, or no port id at all: the burst is
	 * freed unread and counted, never looked up past the port table.
	 */
	for (i = 0; i < 2; i++)
		pkts[i] = sf_test_arp_request();
	SF_CHECK_EQ(sf_worker_input(w, 7, pkts, 2), 2);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_rx_packets), 7);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_drop_unknown_port), 2);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_drop_arp_not_for_us), 0);
	for (i = 0; i < 3; i++)
		pkts[i] = sf_test_arp_request();
	SF_CHECK_EQ(sf_worker_input(w, RTE_MAX_ETHPORTS, pkts, 3), 3);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_drop_unknown_port), 5);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_rx_packets), 10);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tx_dropped), 3);
	sf_engine_free(eng);
}

/*
 * The placeholder burst functions print an error and a stack dump on
 * first use. Here that is the path under test, not news: stderr goes to
 * /dev/null around those calls (and no check runs meanwhile).
 */
static int quiet_fd = -1;

static void
quiet_begin(void)
{
	int null = open("/dev/null", O_WRONLY);

	fflush(stderr);
	quiet_fd = dup(STDERR_FILENO);
	if (null >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
}

static void
quiet_end(void)
{
	fflush(stderr);
	if (quiet_fd >= 0) {
		dup2(quiet_fd, STDERR_FILENO);
		close(quiet_fd);
		quiet_fd = -1;
	}
}

/*
 * With a tx queue: replies wait in the tx buffer; a flush on a port that
 * cannot send drops them through the error callback; the engine frees
 * what is still buffered when it is freed.
 */
static void
test_input_queue(void)
{
	struct sf_engine *eng = sf_test_engine(false);
	struct sf_worker *w = sf_engine_worker(eng, 0);
	struct rte_mbuf *pkts[SF_RX_BURST];
	unsigned int i;

	uint16_t n;

	SF_CHECK_EQ(sf_worker_queue_add(w, SF_TEST_PORT, 0), 0);
	for (i = 0; i < 4; i++)
		pkts[i] = sf_test_arp_request();
	SF_CHECK_EQ(sf_worker_input(w, SF_TEST_PORT, pkts, 4), 4);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_arp_replies), 4);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tx_dropped), 0);
	SF_CHECK_EQ(rte_mempool_in_use_count(sf_test_pool), 4);
	quiet_begin();
	sf_worker_flush(w);
	quiet_end();
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tx_dropped), 4);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tx_packets), 0);
	SF_CHECK_EQ(rte_mempool_in_use_count(sf_test_pool), 0);

	/* A full buffer (SF_RX_BURST replies) is sent without a flush. */
	for (i = 0; i < SF_RX_BURST; i++)
		pkts[i] = sf_test_arp_request();
	quiet_begin();
	n = sf_worker_input(w, SF_TEST_PORT, pkts, SF_RX_BURST);
	quiet_end();
	SF_CHECK_EQ(n, SF_RX_BURST);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tx_dropped), 4 + SF_RX_BURST);
	SF_CHECK_EQ(rte_mempool_in_use_count(sf_test_pool), 0);

	/* A poll receives nothing, flushes, and records its lcore. */
	SF_CHECK_EQ(sf_engine_worker_lcore(eng, 0), -1);
	quiet_begin();
	n = sf_worker_poll(w);
	quiet_end();
	SF_CHECK_EQ(n, 0);
	SF_CHECK_EQ(sf_engine_worker_lcore(eng, 0), (int)rte_lcore_id());

	/* Left in the buffer when the engine goes: freed with it. */
	for (i = 0; i < 3; i++)
		pkts[i] = sf_test_arp_request();
	SF_CHECK_EQ(sf_worker_input(w, SF_TEST_PORT, pkts, 3), 3);
	SF_CHECK_EQ(rte_mempool_in_use_count(sf_test_pool), 3);
	sf_engine_free(eng);
	SF_CHECK_EQ(rte_mempool_in_use_count(sf_test_pool), 0);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_create();
	test_addr_limit();
	test_counter_names();
	test_two_workers();
	test_queues();
	test_input_no_queue();
	test_input_queue();
	return sf_test_done("test_engine");
}
