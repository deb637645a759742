/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/tcp/sf_portsel.c: ephemeral ports as __inet_hash_connect() chooses
 * them (RFC 6056 algorithm 4), among those whose replies steer to the
 * worker. The range and both parities, one port per 4-tuple, exhaustion
 * and its counter, listeners' ports skipped, the spread over the range,
 * every port's reply steering to its worker with 1, 2 and 4 workers, also
 * through a NIC redirection table given to the engine, and the TIME-WAIT
 * reuse rule.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_random.h>

#include "sf_engine_pvt.h"
#include "sf_test.h"

static struct sf_wtcp *
wt_of(struct sf_engine *eng, unsigned int w)
{
	return &sf_engine_worker(eng, w)->wk_tcp;
}

/* Our address, the server's, port 80: the 3-tuple of a connect(). */
static void
key_v4(struct sf_flow_key *k, uint32_t server)
{
	memset(k, 0, sizeof(*k));
	k->fk_family = AF_INET;
	memcpy(&k->fk_laddr[0], sf_test_v4, 4);
	k->fk_raddr[0] = rte_cpu_to_be_32(server);
	k->fk_rport = RTE_BE16(80);
}

/* A port whose steering table gives entry i to worker i % nw. */
static void
port_reta(struct sf_port *pt, unsigned int nw)
{
	unsigned int i;

	memset(pt, 0, sizeof(*pt));
	for (i = 0; i < SF_STEER_RETA_SIZE; i++)
		pt->pt_reta[i] = (uint16_t)(i % nw);
}

/*
 * A range of ten ports to one server: the five of the low end's parity
 * first, then the other five, each once (its 4-tuple then taken), then
 * EADDRNOTAVAIL, counted. A listener's port is never chosen.
 */
static void
test_range(void)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 64, .local_port_lo = 40000,
		.local_port_hi = 40009 };
	struct sf_listener_params lp;
	struct sf_engine *eng = sf_test_engine_tcp(&ep);
	struct sf_wtcp *wt = wt_of(eng, 0);
	struct sf_flow_key k;
	struct sf_port pt;
	unsigned int i, seen[10] = { 0 }, n = 0;
	int32_t tw;
	uint16_t p;

	port_reta(&pt, 1);
	for (i = 0; i < 10; i++) {
		key_v4(&k, 0x0a000002);
		SF_CHECK_EQ(sf_portsel(wt, &pt, 0, &k, &tw), 0);
		SF_CHECK_EQ(tw, -1);
		p = rte_be_to_cpu_16(k.fk_lport);
		SF_CHECK(p >= 40000 && p <= 40009);
		if (p < 40000 || p > 40009)
			continue;
		/* Even ports (40000's parity) first. */
		SF_CHECK_EQ(p & 1, i < 5 ? 0 : 1);
		seen[p - 40000]++;
		n++;
		SF_CHECK(sf_ftab_add(&wt->wt_conntab, &k, sf_flow_hash(&k,
			&wt->wt_et->et_hkey)) >= 0);
	}
	for (i = 0; i < 10; i++)
		SF_CHECK_EQ(seen[i], 1);
	key_v4(&k, 0x0a000002);
	SF_CHECK_EQ(sf_portsel(wt, &pt, 0, &k, &tw), -EADDRNOTAVAIL);
	SF_CHECK_EQ(k.fk_lport, 0);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_no_port), 1);
	/* Another server: the same ports are free for it. */
	key_v4(&k, 0x0a000003);
	SF_CHECK_EQ(sf_portsel(wt, &pt, 0, &k, &tw), 0);
	sf_test_teardown(eng);

	/* A listener on 40004: skipped, whatever the tuple. */
	eng = sf_test_engine_tcp(&ep);
	wt = wt_of(eng, 0);
	sf_listener_params_init(&lp);
	lp.port = 40004;
	SF_CHECK(sf_engine_listen(eng, &lp) >= 0);
	for (i = 0; i < 9; i++) {
		key_v4(&k, 0x0a000002);
		SF_CHECK_EQ(sf_portsel(wt, &pt, 0, &k, &tw), 0);
		SF_CHECK(rte_be_to_cpu_16(k.fk_lport) != 40004);
		sf_ftab_add(&wt->wt_conntab, &k, sf_flow_hash(&k,
			&wt->wt_et->et_hkey));
	}
	key_v4(&k, 0x0a000002);
	SF_CHECK_EQ(sf_portsel(wt, &pt, 0, &k, &tw), -EADDRNOTAVAIL);
	sf_test_teardown(eng);
	SF_CHECK_EQ(n, 10);
}

/*
 * More than half of a range to one server (a proxy's backend): once the
 * low end's parity is all taken, the scan that finds the first port of
 * the other parity flips the entry, and the connections after it start
 * with that parity instead of scanning every taken port again (as
 * __inet_hash_connect() would): 400 connections once 1,500 of 2,000
 * ports are taken examine a few candidates each, counted in
 * connect_port_probes (Linux's way: 1,000 each).
 */
static void
test_parity_memory(void)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 4096, .local_port_lo = 40000,
		.local_port_hi = 41999 };
	struct sf_engine *eng = sf_test_engine_tcp(&ep);
	struct sf_wtcp *wt = wt_of(eng, 0);
	struct sf_flow_key k;
	struct sf_port pt;
	unsigned int i, odd = 0;
	uint64_t before = 0, after;
	int32_t tw;

	port_reta(&pt, 1);
	for (i = 0; i < 1900; i++) {
		if (i == 1500)
			before = sf_test_counter(eng, SF_CNT_connect_port_probes);
		key_v4(&k, 0x0a000002);
		SF_CHECK_EQ(sf_portsel(wt, &pt, 0, &k, &tw), 0);
		odd += rte_be_to_cpu_16(k.fk_lport) & 1;
		SF_CHECK(sf_ftab_add(&wt->wt_conntab, &k, sf_flow_hash(&k,
			&wt->wt_et->et_hkey)) >= 0);
	}
	after = sf_test_counter(eng, SF_CNT_connect_port_probes);
	SF_CHECK_EQ(odd, 900);
	SF_CHECK(after - before < 400 * 25);
	if (after - before >= 400 * 25)
		fprintf(stderr, "%" PRIu64 " candidates for 400 ports\n",
			after - before);
	sf_test_teardown(eng);
}

/*
 * A table that sends every flow to one worker (worker 2 of 4): the port
 * choice takes the first free port for worker 2 without hashing, and
 * none for worker 1, counted; a table that differs again hashes.
 */
static void
test_reta_one(void)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 64, .local_port_lo = 40000,
		.local_port_hi = 40009 };
	struct sf_engine *eng = sf_test_engine_tcp(&ep);
	struct sf_wtcp *wt = wt_of(eng, 0);
	struct sf_flow_key k;
	struct sf_port pt;
	unsigned int i;
	int32_t tw;

	memset(&pt, 0, sizeof(pt));
	for (i = 0; i < SF_STEER_RETA_SIZE; i++)
		pt.pt_reta[i] = 2;
	sf_port_reta_done(&pt);
	SF_CHECK_EQ(pt.pt_reta_one, 3);
	key_v4(&k, 0x0a000002);
	SF_CHECK_EQ(sf_portsel(wt, &pt, 2, &k, &tw), 0);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_port_probes), 1);
	key_v4(&k, 0x0a000002);
	SF_CHECK_EQ(sf_portsel(wt, &pt, 1, &k, &tw), -EADDRNOTAVAIL);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_no_port), 1);
	pt.pt_reta[7] = 1;
	sf_port_reta_done(&pt);
	SF_CHECK_EQ(pt.pt_reta_one, 0);
	sf_test_teardown(eng);
}

/*
 * Over the default range (32768..60999), the first port for each of
 * 28,000 servers: in range, and spread, 28 bins of a thousand ports
 * each within 30 % of the mean (a uniform draw is within about 6 %).
 * And a bad range is refused at engine creation.
 */
static void
test_spread(void)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 64 };
	struct sf_engine *eng = sf_test_engine_tcp(&ep);
	struct sf_wtcp *wt = wt_of(eng, 0);
	unsigned int bins[29] = { 0 }, i, n = 28000, bad = 0, parity[2] = { 0 };
	struct sf_flow_key k;
	struct sf_port pt;
	int32_t tw;
	uint16_t p;

	port_reta(&pt, 1);
	for (i = 0; i < n; i++) {
		key_v4(&k, 0x0b000000 + i);
		if (sf_portsel(wt, &pt, 0, &k, &tw) != 0) {
			bad++;
			continue;
		}
		p = rte_be_to_cpu_16(k.fk_lport);
		if (p < 32768 || p > 60999) {
			bad++;
			continue;
		}
		bins[(p - 32768) / 1000]++;
		parity[p & 1]++;
	}
	SF_CHECK_EQ(bad, 0);
	/* Every first choice has the low end's parity (all free). */
	SF_CHECK_EQ(parity[1], 0);
	for (i = 0; i < 28; i++) {
		SF_CHECK(bins[i] > 700 && bins[i] < 1300);
		if (bins[i] <= 700 || bins[i] >= 1300)
			fprintf(stderr, "bin %u: %u\n", i, bins[i]);
	}
	sf_test_teardown(eng);

	ep.local_port_lo = 50000;
	ep.local_port_hi = 40000;
	SF_CHECK(sf_engine_create(&ep) == NULL);
}

/*
 * With 2 and 4 workers, every port a worker takes has its reply (the
 * server's segments: server to us) steered to that worker by the port's
 * table and the Toeplitz hash of sf_rss_flow(), as a NIC or synfront's
 * software steering computes it.
 */
static void
test_steering(void)
{
	static const unsigned int nws[] = { 2, 4 };
	struct sf_engine_params ep = { .socket_id = SOCKET_ID_ANY,
		.max_requests = 64, .max_conns = 64 };
	unsigned int t, w, i, wrong = 0, got = 0;
	struct sf_engine *eng;
	struct sf_flow_key k;
	struct sf_port pt;
	int32_t tw;

	for (t = 0; t < RTE_DIM(nws); t++) {
		ep.nb_workers = nws[t];
		eng = sf_test_engine_tcp(&ep);
		SF_CHECK(eng != NULL);
		if (eng == NULL)
			continue;
		port_reta(&pt, nws[t]);
		for (w = 0; w < nws[t]; w++) {
			for (i = 0; i < 500; i++) {
				key_v4(&k, 0x0c000000 + i * 7 + w);
				if (sf_portsel(wt_of(eng, w), &pt, w, &k,
						&tw) != 0)
					continue;
				got++;
				if (pt.pt_reta[sf_rss_flow(&k) &
				    (SF_STEER_RETA_SIZE - 1)] != w)
					wrong++;
			}
		}
		sf_test_teardown(eng);
	}
	SF_CHECK_EQ(got, 500 * (2 + 4));
	SF_CHECK_EQ(wrong, 0);
}

/*
 * Hardware RSS with a redirection table the engine was given
 * (sf_engine_port_rss(), as the app passes the NIC's RETA read back): a
 * 128-entry table in blocks of 3 entries alternating between 2 workers,
 * unlike the engine's default spread. Every port each worker chooses
 * must be one whose reply the NIC (Toeplitz hash with sf_rss_key, entry
 * hash mod 128) sends to that worker. Bad tables are refused.
 */
static void
test_nic_reta(void)
{
	struct sf_engine_params ep = { .nb_workers = 2,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 64 };
	uint16_t reta[128], bad[128];
	unsigned int w, i, wrong = 0, got = 0;
	struct sf_engine *eng = sf_test_engine_tcp(&ep);
	const struct sf_port *pt;
	struct sf_flow_key k;
	int32_t tw;

	for (i = 0; i < RTE_DIM(reta); i++)
		reta[i] = (uint16_t)((i / 3) % 2);
	memcpy(bad, reta, sizeof(bad));
	bad[5] = 2;                             /* no worker 2 */
	SF_CHECK_EQ(sf_engine_port_rss(eng, SF_TEST_PORT, reta, 48), -EINVAL);
	SF_CHECK_EQ(sf_engine_port_rss(eng, SF_TEST_PORT, reta, 100), -EINVAL);
	SF_CHECK_EQ(sf_engine_port_rss(eng, SF_TEST_PORT, bad, 128), -EINVAL);
	SF_CHECK_EQ(sf_engine_port_rss(eng, 7, reta, 128), -EINVAL);
	SF_CHECK_EQ(sf_engine_port_rss(eng, SF_TEST_PORT, reta, 128), 0);
	pt = sf_net_port(&wt_of(eng, 0)->wt_net, SF_TEST_PORT);
	for (w = 0; w < 2; w++) {
		for (i = 0; i < 500; i++) {
			key_v4(&k, 0x0d000000 + i * 5 + w);
			if (sf_portsel(wt_of(eng, w), pt, w, &k, &tw) != 0)
				continue;
			got++;
			if (reta[sf_rss_flow(&k) % RTE_DIM(reta)] != w)
				wrong++;
		}
	}
	SF_CHECK_EQ(got, 1000);
	SF_CHECK_EQ(wrong, 0);
	sf_test_teardown(eng);
}

/*
 * A 4-tuple held by a connection in TIME-WAIT: taken by nobody unless
 * tw_reuse is on, timestamps were, and its last segment is more than a
 * second old (tcp_twsk_unique()); then sf_portsel() names it.
 */
static void
test_tw_reuse(void)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 64, .local_port_lo = 40000,
		.local_port_hi = 40001, .time_wait_ms = 60000 };
	unsigned int round;

	for (round = 0; round < 4; round++) {
		struct sf_engine *eng;
		struct sf_wtcp *wt;
		struct sf_flow_key k, held[2];
		struct sf_port pt;
		struct sf_conn *c;
		int32_t pos[2], tw;
		unsigned int i;
		bool reusable;

		ep.tw_reuse = round >= 1;
		eng = sf_test_engine_tcp(&ep);
		wt = wt_of(eng, 0);
		sf_worker_clock(sf_engine_worker(eng, 0), 100000);
		port_reta(&pt, 1);
		/* Both ports held by connections in TIME-WAIT. */
		for (i = 0; i < 2; i++) {
			key_v4(&held[i], 0x0a000002);
			held[i].fk_lport = rte_cpu_to_be_16(40000 + i);
			pos[i] = sf_ftab_add(&wt->wt_conntab, &held[i],
				sf_flow_hash(&held[i], &wt->wt_et->et_hkey));
			SF_CHECK(pos[i] >= 0);
			if (pos[i] < 0)
				goto out;
			c = &wt->wt_conn[pos[i]];
			c->cn_id = (uint32_t)pos[i];
			c->cn_state = SF_CS_TIME_WAIT;
			/* round 2: no timestamps; round 3: 0.5 s old */
			c->cn_neg.ng_flags = round == 2 ? 0 : SF_CONN_F_TS;
			wt->wt_tcb[pos[i]].tb_at[SF_CT_2MSL] = 100000 +
				60000 - (round == 3 ? 500 : 2000);
		}
		reusable = round == 1;
		key_v4(&k, 0x0a000002);
		SF_CHECK_EQ(sf_portsel(wt, &pt, 0, &k, &tw),
			reusable ? 0 : -EADDRNOTAVAIL);
		if (reusable) {
			SF_CHECK(tw == pos[0] || tw == pos[1]);
			SF_CHECK(memcmp(sf_ftab_key(&wt->wt_conntab,
				(uint32_t)tw), &k, sizeof(k)) == 0);
		} else {
			SF_CHECK_EQ(tw, -1);
		}
		/* Back to free slots for the teardown. */
		for (i = 0; i < 2; i++) {
			wt->wt_conn[pos[i]].cn_state = SF_CS_FREE;
			sf_ftab_del(&wt->wt_conntab, (uint32_t)pos[i]);
		}
out:
		sf_test_teardown(eng);
	}
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	rte_srand(17);
	test_range();
	test_parity_memory();
	test_reta_one();
	test_spread();
	test_steering();
	test_nic_reta();
	test_tw_reuse();
	return sf_test_done("test_portsel");
}
